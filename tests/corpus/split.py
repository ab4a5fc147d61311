#!/usr/bin/env python3
"""The fixed tune / held-out split of the independent essay corpus (validation-protocol.md §3).

Fixed before any tuning, by a seeded hash of the submission id: an essay is held out when
SHA-256("<seed>:<id>") read as a number is divisible by 3 (about a third), else it is tune.
Never move an essay between the parts after seeing a result.
"""
import hashlib
import sys

SEED = 20261207


def part(submission: str) -> str:
    h = int(hashlib.sha256(f"{SEED}:{submission}".encode()).hexdigest(), 16)
    return "heldout" if h % 3 == 0 else "tune"


if __name__ == "__main__":
    ids = [f"b{b:02d}-{i:02d}" for b in range(1, 13) for i in range(1, 14)]
    ids += sys.argv[1:]
    print("submission,part")
    for s in ids:
        print(f"{s},{part(s)}")
