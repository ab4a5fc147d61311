#!/usr/bin/env python3
"""Consensus labels and the held-out split of the independent language corpus.

A sentence's label is the two blind labellers' where they agree, else the adjudicator's
decision. The part is fixed by SHA-256 of "20261208:<id>": modulo 3 == 0 is held out (a third),
the rest tune. Writes consensus.tsv (id, lapse, ids, part)."""
import csv, hashlib, pathlib
d = pathlib.Path(__file__).parent
def rd(p): return {r["id"]: r for r in csv.DictReader(open(d / p, newline=""), delimiter="\t")}
a, b = rd("labels/labeller-a/labels.tsv"), rd("labels/labeller-b/labels.tsv")
adj = rd("adjudication/decisions.tsv")
s = rd("sentences.tsv")
with open(d / "consensus.tsv", "w") as f:
    f.write("id\tlapse\tids\tpart\n")
    for i in s:
        if a[i]["lapse"] == b[i]["lapse"]:
            lapse = a[i]["lapse"]
            ids = a[i]["ids"] if a[i]["ids"] == b[i]["ids"] else ";".join(sorted(set(filter(None, (a[i]["ids"] + ";" + b[i]["ids"]).split(";")))))
        else:
            lapse, ids = adj[i]["lapse"], adj[i]["ids"]
        part = "heldout" if int(hashlib.sha256(f"20261208:{i}".encode()).hexdigest(), 16) % 3 == 0 else "tune"
        f.write(f"{i}\t{lapse.strip()}\t{ids.strip()}\t{part}\n")
