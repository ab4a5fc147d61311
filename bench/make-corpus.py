#!/usr/bin/env python3
"""Generates a benchmark cohort of N essays (.docx or .txt) into OUT_DIR. See bench/README.md.

Usage: python3 bench/make-corpus.py [--kind cohort|copies|rotated] [--format docx|txt]
                                    [--seed S] [--near-copies F] [--soffice-share F]
                                    [--manifest CSV] N OUT_DIR

--kind cohort (default) -- a cohort that looks like a real one:
  * distinct essays: the tests/corpus essays whose row in tests/corpus/split.csv has part
    `tune` (selected by split.csv before any file is opened: the held-out part is never read)
    and every bench/essays/*.txt, each kept only if its body word count (the rule of
    tests/corpus/count.py) is 1,350-1,650. They come first, unchanged, in a seeded order.
  * recombined essays fill the cohort up to N: the title and opening paragraph of one essay,
    runs of middle paragraphs from two to four others, the closing paragraph and reference
    list of another, middle paragraphs added or dropped until the body is 1,350-1,650 words
    (as count.py counts the text and as a .docx reader counts it). No two essays of the
    cohort have the same text (checked by SHA-256 of the whitespace-normalised text).
  * near-copies, a share F of N (default 0.02): an essay of the cohort with one or two middle
    paragraphs swapped for other essays' paragraphs, as a learner copying a friend would.
  * two writers (.docx only): most files written by python-docx; a share (default 0.25)
    written as .odt and converted by LibreOffice (`soffice --headless --convert-to docx`, a
    batch of files per call). Without soffice, python-docx writes them all (said on stderr).
--kind copies -- the worst case for the similarity search: 24 distinct essays (a seeded draw
  from the tune part) repeated up to N, every copy byte-identical except its file name.
--kind rotated -- the recipe used before 2026-12-08, unchanged, to reproduce old figures: the
  eight samples/*.docx with their body paragraphs rotated and a number stamped in the title
  (.docx only; --seed and --near-copies do not apply).

--format txt writes the same essays (same names, same order, same text) as plain .txt files.
--manifest CSV writes one row per file (kind, sources, writer, body words, SHA-256) to CSV,
  which must be outside OUT_DIR. The output is the same for the same seed and the same input
  essays (LibreOffice's files carry its own timestamps, their text does not change).
Needs Python 3 and python-docx (for .docx); LibreOffice is optional.
"""
import argparse
import concurrent.futures
import csv
import hashlib
import io
import multiprocessing
import os
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from xml.sax.saxutils import escape

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
BENCH_ESSAYS = ROOT / "bench" / "essays"
LO, HI = 1350, 1650  # body words, inclusive
DEFAULT_SEED = 20261208
COPIES_DISTINCT = 24
SOFFICE_BATCH = 200  # files per soffice call
REF_HEADING = re.compile(r"\s*(references|reference list|bibliography)\s*:?\s*", re.I)


def warn(msg):
    print(f"make-corpus: {msg}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# Reading essays


def body_words(text):
    """tests/corpus/count.py's rule: words after the title line up to a reference-list heading."""
    body = []
    started = False
    for line in text.splitlines():
        if not started:
            if line.strip():
                started = True  # the title line
            continue
        if REF_HEADING.fullmatch(line):
            break
        body.append(line)
    return len(" ".join(body).split())


def is_heading(block):
    # tests/corpus/make-docx.py's rule: a short line without closing punctuation.
    return "\n" not in block and len(block.split()) <= 10 and not re.search(r"[.?!:;,\"”)]$", block)


def is_bullets(block):
    return all(line.startswith("- ") for line in block.split("\n"))


class Unit:
    """One or more body blocks that travel together: a paragraph with the headings just before
    it and the bullet list just after it."""

    __slots__ = ("uid", "source", "blocks", "words", "bullets")

    def __init__(self, uid, source, blocks):
        self.uid = uid
        self.source = source
        self.blocks = tuple(blocks)
        lines = [l for b in self.blocks for l in b.split("\n")]
        self.words = sum(len(l.split()) for l in lines)
        self.bullets = sum(1 for l in lines if l.startswith("- "))


class Essay:
    __slots__ = ("title", "units", "refs", "text", "kind", "sources", "name")

    def __init__(self, title, units, refs, kind, sources, text=None):
        self.title = title
        self.units = list(units)
        self.refs = refs  # (heading line, [reference lines]) or None
        self.kind = kind
        self.sources = sources
        self.name = None  # file name, once placed
        self.text = text if text is not None else self.render()

    def render(self):
        parts = [self.title] + [b for u in self.units for b in u.blocks]
        if self.refs:
            parts.append(self.refs[0])
            if self.refs[1]:
                parts.append("\n".join(self.refs[1]))
        return "\n\n".join(parts) + "\n"

    def words(self):
        return sum(u.words for u in self.units)

    def words_without_bullet_marks(self):
        # What a reader of the .docx counts: List Bullet paragraphs have no "- ".
        return sum(u.words - u.bullets for u in self.units)

    def paragraphs(self):
        """The document as (style, text) paragraphs, for both writers."""
        out = [("Title", self.title)]
        for u in self.units:
            for b in u.blocks:
                if is_heading(b):
                    out.append(("Heading 1", b))
                    continue
                for line in b.split("\n"):
                    if line.startswith("- "):
                        out.append(("List Bullet", line[2:]))
                    elif line.strip():
                        out.append(("Normal", line))
        if self.refs:
            out.append(("Heading 1", self.refs[0]))
            out.extend(("Normal", r) for r in self.refs[1])
        return out


def parse(source, text):
    """Title, body units and reference list of one essay file, or None if it has too few
    paragraphs to take apart."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i == len(lines):
        return None
    title = lines[i].strip()
    body, refs = [], None
    for j in range(i + 1, len(lines)):
        if REF_HEADING.fullmatch(lines[j]):
            refs = (lines[j].strip(), [l.strip() for l in lines[j + 1:] if l.strip()])
            break
        body.append(lines[j])
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", "\n".join(body))]
    blocks = [b for b in blocks if b.strip()]
    # Group blocks into units: headings go with the next paragraph, a bullet list with the
    # paragraph before it (which usually introduces it).
    groups, pending = [], []
    for b in blocks:
        if is_heading(b):
            pending.append(b)
        elif is_bullets(b) and groups and not pending:
            groups[-1].append(b)
        else:
            groups.append(pending + [b])
            pending = []
    if pending:
        if groups:
            groups[-1].extend(pending)
        else:
            groups.append(pending)
    if len(groups) < 3:
        return None
    units = [Unit(f"{source}#{k}", source, g) for k, g in enumerate(groups)]
    return Essay(title, units, refs, "distinct", [source], text=text)


def text_key(text):
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def tune_ids():
    """Ids of the tune part, from split.csv alone (no essay file is opened here)."""
    with open(CORPUS / "split.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return sorted(r["submission"] for r in rows if r["part"].strip() == "tune")


def load_tune():
    """(essays in range, number of tune essays) -- opens only tune-part files."""
    ids = tune_ids()
    essays = []
    for sid in ids:
        path = CORPUS / "essays" / f"{sid}.txt"
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if LO <= body_words(text) <= HI:
            essays.append((f"corpus:{sid}", text))
    return essays, len(ids)


def load_bench():
    files = sorted(BENCH_ESSAYS.glob("*.txt")) if BENCH_ESSAYS.is_dir() else []
    essays = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            warn(f"skipped {path}: {e}")
            continue
        if LO <= body_words(text) <= HI:
            essays.append((f"bench:{path.stem}", text))
    return essays, len(files)


def base_essays(raw):
    """Parsed distinct essays, dropping any that cannot be taken apart or repeat another."""
    seen, out = set(), []
    for source, text in raw:
        key = text_key(text)
        if key in seen:
            warn(f"{source} repeats an earlier essay; dropped")
            continue
        e = parse(source, text)
        if e is None:
            warn(f"{source} has too few paragraphs to take apart; dropped")
            continue
        if not in_range(e):
            # In range as text, but not once its bullet items lose their "- " in the .docx.
            warn(f"{source} is {e.words_without_bullet_marks()} words without bullet marks; dropped")
            continue
        seen.add(key)
        out.append(e)
    return out


# ---------------------------------------------------------------------------------------------
# Building the cohort


def in_range(essay):
    return LO <= essay.words() <= HI and LO <= essay.words_without_bullet_marks() <= HI


class Builder:
    def __init__(self, base, rng):
        self.base = base
        self.rng = rng
        self.middles = [(i, u) for i, e in enumerate(base) for u in e.units[1:-1]]
        self.seen = {text_key(e.text) for e in base}

    def accept(self, essay):
        key = text_key(essay.text)
        if key in self.seen or not in_range(essay) or body_words(essay.text) != essay.words():
            return False
        self.seen.add(key)
        return True

    def recombined(self):
        """Title and opening of essay a, runs of consecutive middle paragraphs from two to four
        donor essays (more if one runs short), closing paragraph and reference list of essay z;
        then a middle paragraph dropped if the body went over the range."""
        rng, base = self.rng, self.base
        for _ in range(1000):
            a, z = rng.sample(range(len(base)), 2)
            first, last = base[a].units[0], base[z].units[-1]
            total = first.words + last.words
            target = rng.randint(LO, HI)
            others = [i for i in range(len(base)) if i not in (a, z)]
            k = rng.randint(2, 4)
            middle, donors = [], set()
            while total < target and len(donors) < min(12, len(others)):
                d = rng.choice(others)
                if d in donors:
                    continue
                donors.add(d)
                # Donor j of k brings the body to j/k of the way to the target; a donor that
                # runs out of paragraphs first leaves the rest to the next.
                j = min(len(donors), k)
                goal = first.words + last.words + (target - first.words - last.words) * j / k
                mids = base[d].units[1:-1]
                for u in mids[rng.randrange((2 * len(mids) + 2) // 3):]:
                    if total >= goal:
                        break
                    middle.append(u)
                    total += u.words
            if total < LO:
                continue
            if total > HI:
                fits = [x for x, u in enumerate(middle) if LO <= total - u.words <= HI]
                if not fits:
                    continue
                middle.pop(rng.choice(fits))
            sources = [base[a].sources[0]] + sorted({u.source for u in middle}) + [base[z].sources[0]]
            essay = Essay(base[a].title, [first] + middle + [last], base[z].refs, "recombined", sources)
            if self.accept(essay):
                return essay
        raise SystemExit("make-corpus: could not make a new recombined essay in 1,000 tries")

    def near_copy(self, originals):
        rng = self.rng
        for _ in range(1000):
            src = originals[rng.randrange(len(originals))]
            slots = list(range(1, len(src.units) - 1))
            if not slots:
                continue
            units = list(src.units)
            changed = rng.sample(slots, min(rng.choice((1, 2)), len(slots)))
            taken = []
            for k in changed:
                old = units[k]
                total = sum(u.words for u in units) - old.words
                for _ in range(200):
                    i, u = self.middles[rng.randrange(len(self.middles))]
                    if u.source != old.source and u not in units and LO <= total + u.words <= HI:
                        units[k] = u
                        taken.append(u.source)
                        break
            if len(taken) != len(changed):
                continue
            essay = Essay(src.title, units, src.refs, "near-copy",
                          [f"near-copy of {src.name}"] + sorted(set(taken)))
            if self.accept(essay):
                return essay
        raise SystemExit("make-corpus: could not make a near-copy in 1,000 tries")


def cohort(n, seed, near_share):
    tune, n_tune = load_tune()
    bench, n_bench = load_bench()
    base = base_essays(tune + bench)
    used_tune = sum(1 for e in base if e.sources[0].startswith("corpus:"))
    used_bench = len(base) - used_tune
    print(f"distinct essays: {used_tune} from tests/corpus/essays (tune part; {n_tune - len(tune)} "
          f"of {n_tune} outside {LO:,}-{HI:,} body words; the held-out part is never opened), "
          f"{used_bench} from bench/essays ({n_bench - len(bench)} of {n_bench} outside the range)")
    if len(base) < 3:
        raise SystemExit("make-corpus: fewer than 3 distinct essays to work from")
    if len(base) < 200:
        warn(f"only {len(base)} distinct essays (200 or more expected once bench/essays is written)")
    rng = random.Random(seed)
    rng.shuffle(base)
    n_near = round(near_share * n)
    m = n - n_near
    builder = Builder(base, rng)
    originals = base[:m]
    while len(originals) < m:
        originals.append(builder.recombined())
    first_free = min(len(base), m)
    near_at = set(rng.sample(range(first_free, n), n_near)) if n_near else set()
    essays, it = [], iter(originals)
    for k in range(n):
        essays.append(None if k in near_at else next(it))
    names = file_names(n)
    for k, e in enumerate(essays):
        if e is not None:
            e.name = names[k]
    for k in sorted(near_at):
        essays[k] = builder.near_copy(originals)
        essays[k].name = names[k]
    counts = {kind: sum(1 for e in essays if e.kind == kind) for kind in ("distinct", "recombined", "near-copy")}
    print(f"essays: {n:,} = {counts['distinct']:,} distinct + {counts['recombined']:,} recombined "
          f"+ {counts['near-copy']:,} near-copies ({counts['near-copy'] / max(n, 1):.1%})")
    return essays


def copies(n, seed):
    tune, _ = load_tune()
    base = base_essays(tune)
    rng = random.Random(f"{seed}:copies")
    if len(base) < COPIES_DISTINCT:
        raise SystemExit(f"make-corpus: fewer than {COPIES_DISTINCT} tune essays in range")
    protos = rng.sample(base, COPIES_DISTINCT)
    print(f"distinct essays: {COPIES_DISTINCT} drawn from {len(base)} tests/corpus tune essays in "
          f"{LO:,}-{HI:,} words (the held-out part is never opened); each repeated byte for byte")
    names = file_names(n)
    essays = []
    for k in range(n):
        e = protos[k % COPIES_DISTINCT]
        essays.append(e)
    print(f"essays: {n:,} = {COPIES_DISTINCT} distinct x {n // COPIES_DISTINCT} copies"
          + (f" + {n % COPIES_DISTINCT} more" if n % COPIES_DISTINCT else ""))
    return essays, names


def file_names(n):
    width = max(5, len(str(max(n - 1, 0))))
    return [f"essay{k:0{width}d}" for k in range(n)]


# ---------------------------------------------------------------------------------------------
# Writers

_doc = None
_style_ids = {}


def docx_bytes(paragraphs):
    """python-docx's document for the paragraphs. One Document is kept per process and its body
    emptied for each essay, style ids are looked up once, and a run's text without tabs or
    breaks is set as one w:t: each part of the file is the same as with a fresh
    docx.Document() and add_paragraph(text, style) (checked part by part on 300 essays), in
    a third of the time."""
    global _doc
    import docx  # python-docx

    if _doc is None:
        _doc = docx.Document()
        _doc.core_properties.author = "learner"
    body = _doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    for style, text in paragraphs:
        if re.search(r"[\t\n\r]", text):
            p = _doc.add_paragraph(text)
        else:
            p = _doc.add_paragraph()
            if text:
                p._p.add_r().add_t(text)
        if style != "Normal":
            if style not in _style_ids:
                _style_ids[style] = _doc.styles[style].style_id
            p._p.style = _style_ids[style]
    buf = io.BytesIO()
    _doc.save(buf)
    return buf.getvalue()


def write_docx_batch(jobs):
    for path, paragraphs in jobs:
        pathlib.Path(path).write_bytes(docx_bytes(paragraphs))
    return len(jobs)


ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')
ODT_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {ODT_NS} office:version="1.2"><office:styles>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:margin-top="0.1665in" fo:margin-bottom="0.0835in"/><style:text-properties fo:font-size="14pt"/></style:style>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"><style:paragraph-properties fo:margin-top="0in" fo:margin-bottom="0.0972in"/></style:style>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:class="chapter"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="28pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="1" style:class="text"><style:text-properties fo:font-size="18pt" fo:font-weight="bold"/></style:style>
</office:styles></office:document-styles>"""
ODT_AUTO = ('<office:automatic-styles><style:style style:name="P1" style:family="paragraph" '
            'style:parent-style-name="Text_20_body" style:list-style-name="L1"/>'
            '<text:list-style style:name="L1"><text:list-level-style-bullet text:level="1" '
            'text:bullet-char="•"><style:list-level-properties '
            'text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment '
            'text:label-followed-by="listtab" text:list-tab-stop-position="0.5in" '
            'fo:text-indent="-0.25in" fo:margin-left="0.5in"/></style:list-level-properties>'
            '</text:list-level-style-bullet></text:list-style></office:automatic-styles>')
ODT_MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')


def odt_bytes(paragraphs):
    """A minimal OpenDocument text with the paragraphs (Title, Heading 1, a bullet list, body
    text), as a LibreOffice user would type it."""
    out, in_list = [], False
    for style, text in paragraphs:
        t = escape(text)
        if style == "List Bullet":
            if not in_list:
                out.append('<text:list text:style-name="L1">')
                in_list = True
            out.append(f'<text:list-item><text:p text:style-name="P1">{t}</text:p></text:list-item>')
            continue
        if in_list:
            out.append("</text:list>")
            in_list = False
        if style == "Title":
            out.append(f'<text:p text:style-name="Title">{t}</text:p>')
        elif style == "Heading 1":
            out.append(f'<text:h text:style-name="Heading_20_1" text:outline-level="1">{t}</text:h>')
        else:
            out.append(f'<text:p text:style-name="Text_20_body">{t}</text:p>')
    if in_list:
        out.append("</text:list>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NS} '
               f'office:version="1.2">{ODT_AUTO}<office:body><office:text>{"".join(out)}'
               "</office:text></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", (1980, 1, 1, 0, 0, 0)),
                   "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        for name, data in (("META-INF/manifest.xml", ODT_MANIFEST), ("styles.xml", ODT_STYLES),
                           ("content.xml", content)):
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def soffice_convert(odts, out, tmp, tag=0):
    """Converts the .odt files with LibreOffice into a folder of its own, then moves each .docx
    into OUT_DIR. A batch of files per call, with its own profile so that a LibreOffice already
    running is not disturbed. soffice 7.4 reads only about 250 file arguments (it silently skips
    the rest), hence batches of 200; a file missing afterwards is tried once more. Returns the
    stems that did not come out."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    profile = pathlib.Path(tmp, f"lo-profile-{tag}").as_uri()
    lo_out = pathlib.Path(tmp, f"lo-out-{tag}")
    lo_out.mkdir()
    todo = list(odts)
    for _ in range(2):
        for start in range(0, len(todo), SOFFICE_BATCH):
            batch = todo[start:start + SOFFICE_BATCH]
            cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "docx", "--outdir", str(lo_out)] + [str(p) for p in batch]
            try:
                subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=60 + 2 * len(batch), check=False)
            except subprocess.TimeoutExpired:
                warn("soffice timed out")
        todo = [p for p in todo if not (lo_out / f"{p.stem}.docx").is_file()]
        if not todo:
            break
    for p in odts:
        made = lo_out / f"{p.stem}.docx"
        if made.is_file():
            shutil.move(made, out / made.name)
    return [p.stem for p in todo]


def write(essays, names, out, fmt, soffice_share, seed, dedupe_bytes=False):
    """Writes essays[k] as OUT_DIR/names[k].<fmt>; returns the writer of each file."""
    n = len(essays)
    writers = ["txt" if fmt == "txt" else "python-docx"] * n
    if fmt == "txt":
        for e, name in zip(essays, names):
            (out / f"{name}.txt").write_text(e.text, encoding="utf-8")
        return writers
    # Which files LibreOffice writes (own stream, so the essays do not depend on it). With
    # dedupe_bytes (copies), each distinct essay is written once and copied byte for byte.
    protos = list(dict.fromkeys(id(e) for e in essays)) if dedupe_bytes else list(range(n))
    rng = random.Random(f"{seed}:writer")
    lo_set = set(rng.sample(range(len(protos)), round(soffice_share * len(protos))))
    has_soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if lo_set and not has_soffice:
        warn("soffice (LibreOffice) not found: python-docx writes every file, one writer only")
        lo_set = set()
    first = {}  # proto index -> first file index
    if dedupe_bytes:
        pos = {p: i for i, p in enumerate(protos)}
        for k, e in enumerate(essays):
            first.setdefault(pos[id(e)], k)
        proto_of = [pos[id(e)] for e in essays]
    else:
        first = {k: k for k in range(n)}
        proto_of = list(range(n))
    with tempfile.TemporaryDirectory(prefix="make-corpus-") as tmp:
        lo_jobs = sorted(first[p] for p in lo_set)
        threads, failed = [], []
        if lo_jobs:
            odt_dir = pathlib.Path(tmp, "odt")
            odt_dir.mkdir()
            odts = []
            for k in lo_jobs:
                p = odt_dir / f"{names[k]}.odt"
                p.write_bytes(odt_bytes(essays[k].paragraphs()))
                odts.append(p)
            # Two soffice processes side by side when there are many files (LibreOffice takes
            # about as long per file as python-docx and converts on one core).
            streams = 2 if len(odts) > 2 * SOFFICE_BATCH else 1
            threads = [threading.Thread(target=lambda i=i: failed.extend(
                soffice_convert(odts[i::streams], out, tmp, i))) for i in range(streams)]
            for t in threads:
                t.start()
        py_jobs = [(str(out / f"{names[first[p]]}.docx"), essays[first[p]].paragraphs())
                   for p in sorted(set(range(len(protos))) - lo_set)]
        workers = min(4, os.cpu_count() or 1)
        if workers > 1 and len(py_jobs) > 200:
            chunks = [py_jobs[i::workers * 4] for i in range(workers * 4)]
            # spawn, not fork: the soffice thread is running.
            ctx = multiprocessing.get_context("spawn")
            with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
                for _ in pool.map(write_docx_batch, chunks):
                    pass
        else:
            write_docx_batch(py_jobs)
        for t in threads:
            t.join()
        if failed:
            warn(f"soffice did not convert {len(failed)} files; python-docx writes them")
            stems = set(failed)
            write_docx_batch([(str(out / f"{names[k]}.docx"), essays[k].paragraphs())
                              for k in lo_jobs if names[k] in stems])
            lo_set -= {p for p in lo_set if names[first[p]] in stems}
    for k in range(n):
        writers[k] = "LibreOffice" if proto_of[k] in lo_set else "python-docx"
        if first[proto_of[k]] != k:
            shutil.copyfile(out / f"{names[first[proto_of[k]]]}.docx", out / f"{names[k]}.docx")
    return writers


# ---------------------------------------------------------------------------------------------
# The recipe before 2026-12-08, unchanged


def rotated(n, out):
    templates = []
    for p in sorted(ROOT.joinpath("samples").glob("*.docx")):
        with zipfile.ZipFile(p) as z:
            parts = {i.filename: z.read(i.filename) for i in z.infolist()}
        templates.append(parts)

    for k in range(n):
        parts = dict(templates[k % len(templates)])
        xml = parts["word/document.xml"].decode("utf-8")
        paras = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
        if len(paras) > 4:
            body = paras[1:-2]
            r = k % len(body)
            rotated = paras[:1] + body[r:] + body[:r] + paras[-2:]
            start = xml.index(paras[0])
            end = xml.index(paras[-1]) + len(paras[-1])
            xml = xml[:start] + "".join(rotated) + xml[end:]
        xml = xml.replace("</w:t>", f" {k}</w:t>", 1)
        parts["word/document.xml"] = xml.encode("utf-8")
        with zipfile.ZipFile(out / f"essay{k:05d}.docx", "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
    print(f"essays: {n:,} = {len(templates)} samples/*.docx with rotated body paragraphs")


# ---------------------------------------------------------------------------------------------


def share(s):
    v = float(s)
    if not 0 <= v <= 1:
        raise argparse.ArgumentTypeError("a share between 0 and 1")
    return v


def main():
    ap = argparse.ArgumentParser(description="Generates a benchmark cohort of N essays (see bench/README.md).")
    ap.add_argument("--kind", choices=("cohort", "copies", "rotated"), default="cohort")
    ap.add_argument("--format", choices=("docx", "txt"), default="docx")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--near-copies", type=share, default=0.02, metavar="F",
                    help="share of near-copies in the cohort (default 0.02)")
    ap.add_argument("--soffice-share", type=share, default=0.25, metavar="F",
                    help="share of .docx files written by LibreOffice (default 0.25)")
    ap.add_argument("--manifest", metavar="CSV", help="write one row per file to CSV (outside OUT_DIR)")
    ap.add_argument("n", type=int, metavar="N")
    ap.add_argument("out", metavar="OUT_DIR")
    a = ap.parse_args()
    t0 = time.monotonic()
    if a.n < 1:
        ap.error("N must be at least 1")
    if a.kind == "rotated" and a.format != "docx":
        ap.error("--kind rotated writes .docx only")
    out = pathlib.Path(a.out)
    if a.manifest and pathlib.Path(a.manifest).resolve().parent == out.resolve():
        ap.error("--manifest must be outside OUT_DIR (the folder is marked as it is)")
    out.mkdir(parents=True, exist_ok=True)
    print(f"corpus {a.kind}, seed {a.seed}: {a.n:,} .{a.format} files in {out}")
    ours = {f"{name}.{a.format}" for name in file_names(a.n)}
    others = [p for p in out.iterdir() if p.suffix in (".docx", ".txt") and p.name not in ours]
    if others:
        warn(f"{out} already holds {len(others)} other .docx/.txt files, which will be marked too")
    if a.kind == "rotated":
        rotated(a.n, out)
        print(f"written in {time.monotonic() - t0:.1f} s")
        return
    if a.kind == "cohort":
        essays = cohort(a.n, a.seed, a.near_copies)
        names = file_names(a.n)
        writers = write(essays, names, out, a.format, a.soffice_share, a.seed)
    else:
        essays, names = copies(a.n, a.seed)
        writers = write(essays, names, out, a.format, a.soffice_share, a.seed, dedupe_bytes=True)
    if a.format == "docx":
        lo = writers.count("LibreOffice")
        print(f"writers: {writers.count('python-docx'):,} python-docx, {lo:,} LibreOffice ({lo / a.n:.0%})")
    print(f"written in {time.monotonic() - t0:.1f} s")
    if a.manifest:
        with open(a.manifest, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["file", "kind", "sources", "writer", "body_words", "sha256"])
            for e, name, wr in zip(essays, names, writers):
                w.writerow([f"{name}.{a.format}", e.kind if a.kind == "cohort" else "copy",
                            " ".join(e.sources), wr, e.words(), text_key(e.text)])


if __name__ == "__main__":
    main()
