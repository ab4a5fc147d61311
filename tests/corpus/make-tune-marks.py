#!/usr/bin/env python3
"""Writes tune-marks.csv, the marks the default rubric is fitted to, in the `peermark agree` /
`rubric fit` format (with `group` and `file` columns):
- the consensus levels of the corpus's tune part (split.csv), each essay's writer brief its group;
- the eight samples and sixteen calibration essays, re-marked under the same protocol (two
  blind markers and an adjudicator, remark/consensus.csv), as one more group, `remark`. The
  corpus has few essays below Strong on personal_story (its known gap); these bring weak and
  descriptive stories that the fit needs to place the lower levels. The eight samples are
  `anchor`s: the README and the tests show them at their agreed levels, so the fit keeps
  those wherever a number can.
The held-out part is never written here: `rubric fit` on these rows is the shipped fit."""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
CRITERIA = ["personal_story", "recovery_concepts", "peer_support", "linking", "recovery_language", "structure"]
split = {r["submission"]: r["part"] for r in csv.DictReader(open(os.path.join(HERE, "split.csv")))}
with open(os.path.join(HERE, "tune-marks.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["submission", "group", "file", "anchor"] + CRITERIA)
    for r in csv.DictReader(open(os.path.join(HERE, "consensus.csv"))):
        if split[r["submission"]] == "tune":
            s = r["submission"]
            w.writerow([s, s.split("-")[0], f"tests/corpus/essays/{s}.txt", "no"] + [r[c] for c in CRITERIA])
    for r in csv.DictReader(open(os.path.join(HERE, "remark", "consensus.csv"))):
        stem = os.path.basename(r["file"])[: -len(".txt")]
        anchor = "yes" if r["file"].startswith("samples/") else "no"
        w.writerow([stem, "remark", r["file"], anchor] + [r[c] for c in CRITERIA])
