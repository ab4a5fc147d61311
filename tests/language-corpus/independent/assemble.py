"""Pools the writers' sentences, gives each a blind id in a seeded shuffled order, and writes
the blind list for the labellers plus the key (writer, intent) kept away from them."""
import csv, random, sys, pathlib
root = pathlib.Path(__file__).parent
rows = []
for w in ["w1", "w2", "w3"]:
    with open(root / w / "sentences.tsv", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            s = " ".join(r["sentence"].split())
            if s:
                rows.append((w, r["n"], s, r["intended_lapse"], r["intended_ids"], r["kind"]))
seen = set(); uniq = []
for r in rows:
    k = r[2].lower()
    if k in seen: continue
    seen.add(k); uniq.append(r)
rng = random.Random(20261208)
rng.shuffle(uniq)
blind = root / "label-pack"
with open(blind / "sentences.tsv", "w") as f:
    f.write("id\tsentence\n")
    for i, r in enumerate(uniq, 1):
        f.write(f"t{i:04d}\t{r[2]}\n")
with open(root / "key.tsv", "w") as f:
    f.write("id\twriter\tn\tintended_lapse\tintended_ids\tkind\n")
    for i, r in enumerate(uniq, 1):
        f.write(f"t{i:04d}\t{r[0]}\t{r[1]}\t{r[3]}\t{r[4]}\t{r[5]}\n")
print(len(rows), "written,", len(uniq), "distinct")
