"""One process, many essays: loads proselint once, then lints every file named in LIST (one
path a line) through its API, as `proselint check` does (same config, same registered checks).
Prints one JSON line with the counts. Usage: .venv/bin/python proselint_batch.py LIST"""
import json
import sys
import time
from pathlib import Path

t0 = time.perf_counter()
from proselint.checks import __register__  # noqa: E402
from proselint.config import load_from  # noqa: E402
from proselint.registry import CheckRegistry  # noqa: E402
from proselint.tools import LintFile  # noqa: E402

config = load_from(None)
CheckRegistry().register_many(__register__)
t1 = time.perf_counter()
files = [line for line in Path(sys.argv[1]).read_text().splitlines() if line]
findings = 0
for f in files:
    findings += len(LintFile(Path(f)).lint(config))
t2 = time.perf_counter()
print(json.dumps({"essays": len(files), "load_ms": (t1 - t0) * 1000,
                  "loop_ms": (t2 - t1) * 1000, "findings": findings}))
