#!/usr/bin/env python3
"""Body word count of an essay file: words from the first paragraph after the title up to a
reference-list heading (References / Reference list / Bibliography), as a word processor counts."""
import re, sys
for path in sys.argv[1:]:
    lines = open(path, encoding="utf-8").read().splitlines()
    body = []
    started = False
    for line in lines:
        if not started:
            if line.strip():
                started = True  # the title line
            continue
        if re.fullmatch(r"\s*(references|reference list|bibliography)\s*:?\s*", line, re.I):
            break
        body.append(line)
    print(f"{len(' '.join(body).split()):6d}  {path}")
