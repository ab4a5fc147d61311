#!/usr/bin/env python3
"""A quarter of the corpus as Word documents (validation-protocol.md §1, "Formats"): every
fourth essay in id order, written by python-docx from its .txt so the reader is exercised on the
same text. Title → Title style; a short line without closing punctuation → Heading 1;
"- " lines → List Bullet; everything else a body paragraph. Run again to regenerate."""
import os
import re

import docx  # python-docx

HERE = os.path.dirname(os.path.abspath(__file__))


def heading(p):
    return "\n" not in p and len(p.split()) <= 10 and not re.search(r"[.?!:;,\"”)]$", p)


def convert(src, dst):
    text = open(src, encoding="utf-8").read().strip()
    paras = [p.strip() for p in re.split(r"\n\s*\n", text)]
    d = docx.Document()
    d.core_properties.author = "learner"
    d.add_paragraph(paras[0], style="Title")
    for p in paras[1:]:
        lines = p.split("\n")
        if all(l.startswith("- ") for l in lines):
            for l in lines:
                d.add_paragraph(l[2:], style="List Bullet")
        elif heading(p):
            d.add_paragraph(p, style="Heading 1")
        else:
            # Lines of one paragraph (a reference list) stay separate paragraphs.
            for l in lines:
                d.add_paragraph(l)
    d.save(dst)


def main():
    ids = sorted(f[:-4] for f in os.listdir(os.path.join(HERE, "essays")) if f.endswith(".txt"))
    out = os.path.join(HERE, "docx")
    os.makedirs(out, exist_ok=True)
    for sid in ids[::4]:
        convert(os.path.join(HERE, "essays", sid + ".txt"), os.path.join(out, sid + ".docx"))
    print(f"{len(ids[::4])} .docx written to {out}")


if __name__ == "__main__":
    main()
