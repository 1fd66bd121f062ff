"""Scans made from text reports: each page rendered to a picture (pypdfium2), optionally degraded the way
scanners and phone photos degrade pages, and assembled into a PDF with no text layer (Pillow). Used by
`invoke score --scans` on the gold PDFs and by tests/fixtures/make_scan_fixtures.py."""

from __future__ import annotations

import io

import numpy as np
import pypdfium2
from PIL import Image, ImageFilter

DEGRADATIONS = ("blur", "noise", "jpeg", "skew", "grey")


def page_images(pdf_bytes: bytes, dpi: int) -> list[Image.Image]:
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in pdf]
    finally:
        pdf.close()


def degrade(image: Image.Image, how: str, seed: int = 0) -> Image.Image:
    """One degradation of a clean page: a soft focus, sensor noise, heavy JPEG, a slight skew, a grey page."""
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
