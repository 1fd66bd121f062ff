"""Altair charts rendered to inline SVG at build time: no JavaScript, no CDN, readable on a phone.

vl-convert costs tens of milliseconds a chart, so SVGs are cached on disk by the hash of their spec.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc

FONT = "Noto Sans CJK SC"
# Fonts are only used to measure labels; the browser draws the text. Debian's fonts-noto-cjk lives here.
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
_fonts_registered = False


@dataclass
class Chart:
    title: str
    description: str
    data: pd.DataFrame  # the numbers drawn, shown as a table beside the chart
    svg: str


def _register_fonts() -> None:
    global _fonts_registered
    if not _fonts_registered:
        for d in FONT_DIRS:
            if Path(d).is_dir():
                vlc.register_font_directory(d)
        _fonts_registered = True


def render_svg(chart: alt.Chart, title: str, description: str, cache: Path) -> str:
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_json(indent=None)
    key = hashlib.sha256(spec.encode("utf-8")).hexdigest()[:32]
    cached = cache / f"{key}.svg"
    if cached.exists():
        svg = cached.read_text(encoding="utf-8")
    else:
        _register_fonts()
        svg = vlc.vegalite_to_svg(json.loads(spec))
        cache.mkdir(parents=True, exist_ok=True)
        cached.write_text(svg, encoding="utf-8")
    return _accessible(svg, title, description, key)


def _accessible(svg: str, title: str, description: str, key: str) -> str:
    """Add role, <title> and <desc> so screen readers and search engines know what the picture says;
    drop the fixed size so CSS can scale the chart to a phone's width (the viewBox keeps its shape)."""
    svg = svg.replace("\n", " ")
    start = svg.index("<svg")
    end = svg.index(">", start)
    attrs = re.sub(r'\s(width|height)="[^"]*"', "", svg[start + 4 : end])
    ident = f"chart-{key[:10]}"
    return (
        f'<svg role="img" aria-labelledby="{ident}-t {ident}-d"{attrs}>'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(description)}</desc>'
        + svg[end + 1 :]
    )


def bar_chart(data: pd.DataFrame, title: str, description: str, cache: Path) -> Chart:
    """Horizontal bars of `count` by `category`, in the order given."""
    order = list(data["category"])
    chart = (
        alt.Chart(data, title=title)
        .mark_bar(color="#3f51b5")
        .encode(
            y=alt.Y("category:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X("count:Q", title="件数", axis=alt.Axis(tickMinStep=1, format="d")),
            tooltip=["category", "count"],
        )
        .properties(width=300, height=alt.Step(22))
    )
    text = chart.mark_text(align="left", dx=3, color="#333").encode(text="count:Q")
    return Chart(title, description, data, render_svg(chart + text, title, description, cache))


def line_chart(data: pd.DataFrame, title: str, description: str, cache: Path) -> Chart:
    """Lines of `count` by `year`, one per `series`."""
    chart = (
        alt.Chart(data, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="年度"),
            y=alt.Y("count:Q", title="件数", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("series:N", title=None, sort=list(dict.fromkeys(data["series"])),
                            legend=alt.Legend(orient="bottom")),
            tooltip=["year", "series", "count"],
        )
        .properties(width=320, height=200)
    )
    return Chart(title, description, data, render_svg(chart, title, description, cache))
