"""Scans made from text reports: each page rendered to a picture (pypdfium2), optionally degraded the way
scanners and phone photos degrade pages, and assembled into a PDF with no text layer (Pillow). Used by
`invoke score --scans` on the gold PDFs and by tests/fixtures/make_scan_fixtures.py."""

from __future__ import annotations

import io
import re

import numpy as np
import pypdfium2
from PIL import Image, ImageFilter

DEGRADATIONS = ("blur", "noise", "jpeg", "skew", "tilt", "grey")


def page_images(pdf_bytes: bytes, dpi: int) -> list[Image.Image]:
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in pdf]
    finally:
        pdf.close()


def degrade(image: Image.Image, how: str, seed: int = 0) -> Image.Image:
    """One degradation of a clean page: a soft focus, sensor noise, heavy JPEG, a slight skew, a tilt, a grey
    page."""
    if how == "blur":
        return image.filter(ImageFilter.GaussianBlur(1.0))
    if how == "noise":
        pixels = np.asarray(image, dtype=np.float32)
        pixels += np.random.default_rng(seed).normal(0, 18, pixels.shape)
        return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if how == "jpeg":
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=25)
        return Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    if how == "skew":
        return image.rotate(0.8, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if how == "tilt":  # a page laid on the glass askew, or photographed: rows drift a row's height across it
        return image.rotate(-1.8, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if how == "grey":  # recycled paper, a copier's toner: text stays dark, the page turns grey
        return image.point(lambda v: 60 + v * 130 // 255)
    if how:
        raise ValueError(f"unknown degradation {how!r}: one of {', '.join(DEGRADATIONS)}")
    return image


def image_only_pdf(pdf_bytes: bytes, dpi: int, how: str = "", quality: int = 75) -> bytes:
    """The PDF's pages as pictures at dpi (degraded by `how`), in a PDF with no text layer."""
    images = [degrade(image, how, seed) for seed, image in enumerate(page_images(pdf_bytes, dpi))]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=dpi, quality=quality)
    return buffer.getvalue()


# ---- printed layouts: reports laid out the ways agencies print them, for scans of layouts never seen ------

LAYOUT_FAMILIES = ("ruled", "borderless", "rows_ruled", "merged_groups", "wrapped_labels")


def printed_html(lab, family: str, seed: int) -> str:
    """A labelled report (measure/flatten.Labelled) as an A4 page an agency would print: its tables in one of
    the layout families, with seeded type, sizes and column widths. Blank cells print empty."""
    import html
    import random

    from .. import schema
    from .flatten import report_lines, table_rows

    rng = random.Random(f"{lab.name} {family} {seed}")
    font = rng.choice(("Noto Serif CJK SC", "Noto Sans CJK SC"))
    body_pt, table_pt = rng.choice((12, 14, 16)), rng.choice((9, 10, 10.5, 12))
    label_width = rng.choice((28, 34, 40, 46)) if family != "wrapped_labels" else rng.choice((16, 20))
    align = rng.choice(("center", "right"))
    rule = {"ruled": "1px solid #000", "merged_groups": "1px solid #000", "wrapped_labels": "1px solid #000",
            "borderless": "none", "rows_ruled": "none"}[family]
    row_rule = "border-bottom:1px solid #000;" if family == "rows_ruled" else ""
    esc = html.escape

    def cell(text, tag="td", extra=""):
        return f"<{tag}{extra}>{esc(text if text is not None else '')}</{tag}>"

    tables = table_rows(lab)
    html_tables = {}
    for table_id, rows in tables.items():
        lines = []
        if table_id == "appeals":
            appeal_cols = [c.label for c in schema.APPEAL_COLS]
            # The official template: the review's five headings stand over two header rows.
            lines.append("<tr>" + cell("行政复议", "th", ' colspan="5"') + cell("行政诉讼", "th", ' colspan="10"') + "</tr>")
            lines.append("<tr>" + "".join(cell(h, "th", ' rowspan="2"') for h in appeal_cols)
                         + cell("未经复议直接起诉", "th", ' colspan="5"') + cell("复议后起诉", "th", ' colspan="5"') + "</tr>")
            lines.append("<tr>" + "".join(cell(h, "th") for h in appeal_cols * 2) + "</tr>")
            lines.append("<tr>" + "".join(cell(v) for v in rows[0].values) + "</tr>")
        elif table_id == "requests":
            lines.append("<tr>" + cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "th",
                                       ' colspan="2" rowspan="2"' if family == "merged_groups" else ' rowspan="2"')
                         + cell("申请人情况", "th", ' colspan="7"') + "</tr>")
            lines.append("<tr>" + "".join(cell(c.label, "th") for c in schema.REQUEST_COLS) + "</tr>")
            spans = {}
            if family == "merged_groups":  # the official template: a group's name in a cell down its rows
                start = None
                for k, row in enumerate(rows):
                    if row.group:
                        start = k
                        spans[k] = 1
                    elif start is not None and not row.label.startswith(("（", "四、")):
                        spans[start] += 1
                    else:
                        start = None
            for k, row in enumerate(rows):
                label = row.label
                group = ""
                if family == "merged_groups" and k in spans:
                    group = cell(row.group, "td", f' rowspan="{spans[k]}"')
                elif family != "merged_groups" and row.group and row.group not in label:
                    label = f"{row.group} {label}" if rng.random() < 0.5 else label
                inside = family == "merged_groups" and any(s <= k < s + n for s, n in spans.items())
                label_cell = cell(label, "td", "" if inside or family != "merged_groups" else ' colspan="2"')
                lines.append("<tr>" + group + label_cell + "".join(cell(v) for v in row.values) + "</tr>")
        else:
            for row in rows:
                if row.header:
                    lines.append("<tr>" + "".join(cell(h, "th") for h in row.header) + "</tr>")
                lines.append("<tr>" + cell(row.label) + "".join(cell(v) for v in row.values) + "</tr>")
        html_tables[table_id] = f'<table class="{table_id}">{"".join(lines)}</table>'
    # The report's text is the flattenings' (measure/flatten.py), a table where each of them prints its rows.
    text = [line for line in report_lines(lab, [[f"\x00{t}"] for t in tables]) if line]
    out = []
    for k, line in enumerate(text):
        if line.startswith("\x00"):
            out.append(html_tables[line[1:]])
        elif k == 0 or re.match(r"^[一二三四五六]、", line):
            out.append(f"<h{1 if k == 0 else 2}>{esc(line)}</h{1 if k == 0 else 2}>")
        else:
            sign = ' class="sign"' if k >= len(text) - 2 else ""  # the 落款: agency and date
            out.append(f"<p{sign}>{esc(line)}</p>")
    style = (f"@page {{ size: A4; margin: 2cm 1.8cm; }} body {{ font-family: '{font}'; font-size: {body_pt}pt; }}"
             f"h1 {{ font-size: {body_pt + 6}pt; text-align: center; }} h2 {{ font-size: {body_pt + 1}pt; }}"
             f"table {{ border-collapse: collapse; width: 100%; font-size: {table_pt}pt; margin: 6pt 0; }}"
             f"td, th {{ border: {rule}; {row_rule} padding: 3pt 2pt; text-align: {align}; font-weight: normal; }}"
             f"td:first-child {{ text-align: left; width: {label_width}%; }} .sign {{ text-align: right; }}"
             "table.appeals td, table.appeals th { text-align: center; width: auto; }")
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{style}</style></head>'
            f'<body>{"".join(out)}</body></html>')


def print_pdfs(pages: list[str], chromium: str) -> list[bytes]:
    """Each HTML page printed to PDF by Chromium, as an agency's office prints a report before scanning it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            tab = browser.new_page()
            out = []
            for page in pages:
                tab.set_content(page, wait_until="load")
                out.append(tab.pdf(format="A4", print_background=True))
            return out
        finally:
            browser.close()
