#!/usr/bin/env python3
"""Builds samples/<name>.docx from samples/<name>.txt with python-docx (real Word styles:
Title, Heading 1, Normal), so the samples exist in both formats with the same words.

Usage: python3 tools/make-sample-docx.py   (needs `pip install python-docx`)
"""
import pathlib
import re

import docx

HEADINGS = {"references", "reference list", "bibliography", "introduction", "conclusion"}


def is_heading(text: str) -> bool:
    words = text.split()
    return text.lower().rstrip(":") in HEADINGS or (
        0 < len(words) <= 8 and not re.search(r"[.,;\"”]$", text) and text[0].isupper()
    )


def build(txt: pathlib.Path) -> None:
    paras = [p.strip() for p in re.split(r"\n\s*\n", txt.read_text(encoding="utf-8")) if p.strip()]
    d = docx.Document()
    d.core_properties.author = "peermark samples"
    for i, p in enumerate(paras):
        text = " ".join(p.split("\n"))
        if i == 0:
            d.add_paragraph(text, style="Title")
        elif is_heading(text):
            d.add_paragraph(text, style="Heading 1")
        else:
            d.add_paragraph(text)
    d.save(txt.with_suffix(".docx"))


if __name__ == "__main__":
    for t in sorted(pathlib.Path(__file__).resolve().parent.parent.joinpath("samples").glob("*.txt")):
        build(t)
        print("wrote", t.with_suffix(".docx").name)
