#!/usr/bin/env python3
"""Generates a cohort of N .docx essays for the benchmark from the bundled samples.

Template writer: python-docx (samples/*.docx are made by tools/make-sample-docx.py with
python-docx, ~40 KB each, like the python-docx fixture; pandoc's files are ~10 KB). Each copy
rotates the body paragraphs and stamps a number into the title so every file differs.

Usage: python3 bench/make-corpus.py N OUT_DIR
"""
import pathlib
import re
import sys
import zipfile

n = int(sys.argv[1])
out = pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
root = pathlib.Path(__file__).resolve().parent.parent
templates = []
for p in sorted(root.joinpath("samples").glob("*.docx")):
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
print(f"wrote {n} essays to {out}")
