#!/usr/bin/env python3
"""Makes docs/feedback-sheet.png and docs/annotated-copy.png from a peermark run.

    cargo run --release -- mark samples/language-lapses.docx --out /tmp/shot
    python3 docs/screenshots.py /tmp/shot language-lapses

Needs LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext); uses only the Python
standard library. The sheet is page 1 of the feedback sheet as LibreOffice renders it. The
annotated copy is page 1 of the learner's essay as LibreOffice renders it (the comment anchors
show as markers), with peermark's comments on that page set beside it in order, as Word's
margin shows them: LibreOffice 7.4 cannot export comments in the margin itself.
"""
import os
import re
import subprocess
import sys
import tempfile
import zipfile
import zlib
import struct
import html

DPI = 80


def soffice_pdf(docx, outdir, notes=False):
    profile = os.path.join(outdir, "profile")
    target = "pdf"
    if notes:
        # Comments become PDF annotations: their markers show on the page.
        target = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", target, "--outdir", outdir, docx],
        check=True, capture_output=True)
    return os.path.join(outdir, os.path.splitext(os.path.basename(docx))[0] + ".pdf")


def page_ppm(pdf, page=1):
    out = subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), pdf],
                         check=True, capture_output=True).stdout
    # P6 width height maxval, then RGB bytes.
    parts = out.split(maxsplit=4)
    assert parts[0] == b"P6"
    w, h = int(parts[1]), int(parts[2])
    return w, h, parts[4][: w * h * 3]


def write_png(path, w, h, rgb):
    raw = b"".join(b"\x00" + rgb[y * w * 3:(y + 1) * w * 3] for y in range(h))

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def comments_on_page(docx, page_text):
    z = zipfile.ZipFile(docx)
    doc = z.read("word/document.xml").decode()
    com = z.read("word/comments.xml").decode()
    texts = {}
    for m in re.finditer(r'<w:comment\b[^>]*w:id="(\d+)"[^>]*w:author="peermark"[^>]*>(.*?)</w:comment>', com, re.S):
        paras = re.findall(r"<w:p>(.*?)</w:p>", m.group(2), re.S)
        texts[m.group(1)] = [html.unescape("".join(re.findall(r"<w:t[^>]*>(.*?)</w:t>", p, re.S))) for p in paras]
    out = []
    for m in re.finditer(r'<w:commentRangeStart w:id="(\d+)"/>(.*?)<w:commentRangeEnd w:id="\1"/>', doc, re.S):
        words = html.unescape("".join(re.findall(r"<w:t[^>]*>(.*?)</w:t>", m.group(2), re.S)))
        key = " ".join(words.split()[:4])
        if m.group(1) in texts and key in page_text:
            out.append((words, texts[m.group(1)]))
    return out


def margin_docx(path, comments, height_twips):
    esc = lambda s: html.escape(s, quote=False)
    body = ['<w:p><w:pPr><w:spacing w:after="120"/></w:pPr><w:r><w:rPr><w:b/><w:color w:val="2E7D7A"/><w:sz w:val="18"/></w:rPr><w:t>Comments (peermark), in the order of the markers</w:t></w:r></w:p>']
    for n, (words, paras) in enumerate(comments, 1):
        box = ('<w:pBdr><w:left w:val="single" w:sz="18" w:space="4" w:color="E0A800"/></w:pBdr>'
               '<w:shd w:val="clear" w:color="auto" w:fill="FFF8DC"/>')
        quoted = words if len(words) < 60 else words[:57] + "…"
        body.append(f'<w:p><w:pPr>{box}<w:spacing w:after="0"/></w:pPr><w:r><w:rPr><w:b/><w:sz w:val="15"/></w:rPr><w:t xml:space="preserve">{n}. peermark · “{esc(quoted)}”</w:t></w:r></w:p>')
        for i, p in enumerate(paras):
            after = "100" if i == len(paras) - 1 else "0"
            body.append(f'<w:p><w:pPr>{box}<w:spacing w:after="{after}"/></w:pPr><w:r><w:rPr><w:sz w:val="15"/></w:rPr><w:t xml:space="preserve">{esc(p)}</w:t></w:r></w:p>')
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    doc = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{"".join(body)}'
           f'<w:sectPr><w:pgSz w:w="6000" w:h="{height_twips}"/><w:pgMar w:top="1134" w:right="200" w:bottom="300" w:left="200"/></w:sectPr></w:body></w:document>')
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", doc)


def side_by_side(a, b):
    (wa, ha, pa), (wb, hb, pb) = a, b
    h = max(ha, hb)
    rows = []
    for y in range(h):
        ra = pa[y * wa * 3:(y + 1) * wa * 3] if y < ha else b"\xff" * wa * 3
        rb = pb[y * wb * 3:(y + 1) * wb * 3] if y < hb else b"\xff" * wb * 3
        rows.append(ra + b"\xcc\xcc\xcc" + rb)
    return wa + 1 + wb, h, b"".join(rows)


def main():
    out, sub = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        sheet_pdf = soffice_pdf(os.path.join(out, "feedback", sub + ".docx"), os.path.join(tmp, "s"))
        write_png(os.path.join(here, "feedback-sheet.png"), *page_ppm(sheet_pdf))
        annotated = os.path.join(out, "annotated", sub + ".docx")
        essay_pdf = soffice_pdf(annotated, os.path.join(tmp, "a"), notes=True)
        page = page_ppm(essay_pdf)
        text = " ".join(subprocess.run(["pdftotext", "-f", "1", "-l", "1", essay_pdf, "-"],
                                       check=True, capture_output=True, text=True).stdout.split())
        comments = comments_on_page(annotated, text)
        margin = os.path.join(tmp, "margin.docx")
        margin_docx(margin, comments, 16838)
        margin_pdf = soffice_pdf(margin, os.path.join(tmp, "m"))
        write_png(os.path.join(here, "annotated-copy.png"), *side_by_side(page, page_ppm(margin_pdf)))
        print(f"{len(comments)} comments on page 1")


if __name__ == "__main__":
    main()
