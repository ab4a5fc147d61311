#!/usr/bin/env python3
"""Fits a criterion's level thresholds to the tune part of tests/corpus (validation-protocol.md §4).

Reads the measures peermark recorded for each essay (`results.json` of `peermark mark
tests/corpus/essays`), and the consensus levels. The rubric's level rules stay as they are in
shape (each level: every condition `measure >= value` holds, on top of the level below); only
the values are fitted: coordinate search over each condition's observed values, maximising
exact agreement on the tune part and, on ties, keeping mean signed difference nearest zero.
Reports leave-one-brief-out agreement (each writer brief held out in turn) before and after.
Held-out essays are never read.

Usage: python3 tools/fit-levels.py RESULTS_JSON CRITERION
Prints the fitted `when` conditions, for the rubric file.
"""
import csv
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "corpus")


def rules_of(criterion):
    """[(level, [(measure, value)])] from the default rubric's `when = "m >= v"` lines."""
    text = open(os.path.join(ROOT, "rubrics", "recovery-story-essay.toml"), encoding="utf-8").read()
    block = text.split(f'id = "{criterion}"', 1)[1].split("[[criterion]]", 1)[0]
    levels = []
    for part in block.split("[[criterion.level]]")[1:]:
        conds = re.findall(r'when = "(\w+) >= ([\d.]+)"', part)
        levels.append([(m, float(v)) for m, v in conds])
    return levels


def level(rules, values):
    got = 0
    for i, conds in enumerate(rules):
        if all(values.get(m, 0) >= v for m, v in conds):
            got = i + 1
        else:
            break
    return got


def score(rules, data):
    if not data:
        return (0.0, 0.0)
    exact = sum(level(rules, v) == want for v, want, _ in data) / len(data)
    signed = sum(level(rules, v) - want for v, want, _ in data) / len(data)
    return (exact, -abs(signed))


def fit(rules, data):
    rules = [list(c) for c in rules]
    improved = True
    while improved:
        improved = False
        for li, conds in enumerate(rules):
            for ci, (m, v) in enumerate(conds):
                best = (score(rules, data), v)
                for cand in sorted({d[0].get(m, 0) for d in data} | {0.0}):
                    rules[li][ci] = (m, cand)
                    s = score(rules, data)
                    if s > best[0]:
                        best = (s, cand)
                rules[li][ci] = (m, best[1])
                if best[1] != v:
                    improved = True
    return rules


def main():
    results, criterion = sys.argv[1], sys.argv[2]
    split = {r["submission"]: r["part"] for r in csv.DictReader(open(os.path.join(CORPUS, "split.csv")))}
    cons = {r["submission"]: r for r in csv.DictReader(open(os.path.join(CORPUS, "consensus.csv")))}
    data = []
    for r in json.load(open(results)):
        s = r["submission"]
        if split.get(s) != "tune":
            continue
        c = next(c for c in r["criteria"] if c["id"] == criterion)
        data.append((c["measures"], int(cons[s][criterion]), s.split("-")[0]))
    rules = rules_of(criterion)
    briefs = sorted({d[2] for d in data})

    def lobo(fitting):
        hits, signed = 0, 0
        for b in briefs:
            train = [d for d in data if d[2] != b]
            test = [d for d in data if d[2] == b]
            r = fit(rules, train) if fitting else rules
            hits += sum(level(r, v) == w for v, w, _ in test)
            signed += sum(level(r, v) - w for v, w, _ in test)
        return hits / len(data), signed / len(data)

    before, after = lobo(False), lobo(True)
    fitted = fit(rules, data)
    print(f"{criterion}: {len(data)} tune essays; leave-one-brief-out exact {before[0]:.2f} "
          f"(signed {before[1]:+.2f}) as set, {after[0]:.2f} (signed {after[1]:+.2f}) fitted")
    for i, (old, new) in enumerate(zip(rules, fitted)):
        print(f"  level {i + 1}: " + ", ".join(f"{m} >= {v:g} (was {o:g})" for (m, v), (_, o) in zip(new, old)))


if __name__ == "__main__":
    main()
