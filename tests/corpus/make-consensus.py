#!/usr/bin/env python3
"""Builds marker-a.csv, marker-b.csv and consensus.csv (validation-protocol.md §2) from the
markers' batch files and the adjudicator's decisions. A level both markers gave stands; a
disputed one takes the adjudicator's decision. An essay is at current risk when either marker
says so, and tells of past self-harm when either marker says so."""
import csv
import glob
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CRITERIA = ["personal_story", "recovery_concepts", "peer_support", "linking", "recovery_language", "structure"]


def marks(marker):
    rows = {}
    for path in sorted(glob.glob(os.path.join(HERE, "marks", marker, "b??-b??.csv"))):
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                rows[r["submission"].strip()] = {k: (v or "").strip() for k, v in r.items()}
    return rows


def decisions():
    out = {}
    for path in sorted(glob.glob(os.path.join(HERE, "adjudication", "decisions-*.csv"))):
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                out[(r["submission"].strip(), r["criterion"].strip())] = r["level"].strip()
    return out


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    a, b, d = marks("marker-a"), marks("marker-b"), decisions()
    ids = sorted(set(a) & set(b))
    missing = sorted(set(a) ^ set(b))
    assert not missing, f"marked by one marker only: {missing}"
    for name, m in (("marker-a.csv", a), ("marker-b.csv", b)):
        write(os.path.join(HERE, name), ["submission"] + CRITERIA, [[s] + [m[s][c] for c in CRITERIA] for s in ids])
    rows, undecided = [], []
    for s in ids:
        levels = []
        for c in CRITERIA:
            if a[s][c] == b[s][c]:
                levels.append(a[s][c])
            elif (s, c) in d:
                levels.append(d[(s, c)])
            else:
                undecided.append((s, c))
                levels.append("")
        risk = "yes" if "yes" in (a[s]["current_risk"].lower(), b[s]["current_risk"].lower()) else "no"
        past = "yes" if "yes" in (a[s]["past_harm"].lower(), b[s]["past_harm"].lower()) else "no"
        rows.append([s] + levels + [risk, past])
    assert not undecided, f"disputes without a decision: {undecided}"
    write(os.path.join(HERE, "consensus.csv"), ["submission"] + CRITERIA + ["current_risk", "past_harm"], rows)
    print(f"{len(ids)} essays; {sum(r[-2] == 'yes' for r in rows)} at current risk; {sum(r[-1] == 'yes' for r in rows)} with past self-harm told")


if __name__ == "__main__":
    main()
