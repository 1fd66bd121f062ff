"""Altair charts rendered to inline SVG at build time: no JavaScript, no CDN, readable on a phone.

Each kind of chart is defined once with Altair over a named, empty dataset; a chart is that Vega-Lite spec
with its own rows filled in, so building 10,000 charts does not run Altair's validation 10,000
times. vl-convert costs about 50 ms a chart here, so SVGs are cached on disk by the hash of their spec and of
the fonts they were measured with, and the ones not in the cache are rendered in worker processes on every
core (`Rendering`).

vl-convert lays a chart out with the build machine's fonts (found through fontconfig), and the reader's
browser draws the text in the reader's fonts. A machine without a CJK font measures Chinese labels too
narrow, so every space kept for Chinese text is set from its character count, never from a measurement:
the category axis reserves four characters, and the legend lists one series a line.
"""

from __future__ import annotations

import copy
import hashlib
import json
import multiprocessing as mp
import os
import re
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property, lru_cache
from html import escape
from pathlib import Path

import altair as alt
import pandas as pd

DATASET = "rows"
LABEL_PX = 10  # Vega's axis and legend label size: a Chinese character is this wide in any CJK font
# Series colours: at least 4.5:1 on white, told apart also by dash and point shape.
SERIES_COLOURS = ("#1565c0", "#a84300", "#6a1b9a")
BAR_COLOUR = "#3f51b5"
PARALLEL_FROM = 16  # fewer charts to render than this: not worth starting worker processes


@dataclass
class Chart:
    title: str
    description: str
    data: pd.DataFrame  # the numbers drawn, shown as a table beside the chart
    spec: dict
    svg: str = ""  # filled by render_all

    @cached_property  # the spec is fixed once made; its JSON is hashed once, not at every lookup
    def key(self) -> str:
        """The spec and the fonts it is measured with: a chart drawn before a font was installed or removed
        is drawn again."""
        fonts = font_fingerprint(os.environ.get("FONTCONFIG_FILE", ""), os.environ.get("FONTCONFIG_PATH", ""))
        return hashlib.sha256((fonts + _spec_json(self.spec)).encode()).hexdigest()[:32]


@lru_cache(maxsize=None)
def font_fingerprint(*fontconfig_env: str) -> str:
    """The fonts fontconfig offers vl-convert (under the given FONTCONFIG_FILE and FONTCONFIG_PATH), and
    vl-convert's version."""
    import vl_convert as vlc

    fonts = ""
    if shutil.which("fc-list"):
        listed = subprocess.run(["fc-list", "--format", "%{file}|%{family}|%{style}\\n"], capture_output=True,
                                text=True, check=False).stdout
        fonts = "\n".join(sorted(listed.splitlines()))
    return hashlib.sha256(f"{vlc.__version__}\n{fonts}".encode()).hexdigest()


def _spec_json(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _configured(chart) -> dict:
    return chart.configure_view(stroke=None).to_dict()


@lru_cache(maxsize=None)
def _bar_template() -> dict:
    """Horizontal bars of `count` by `category`, in the order of the rows, with the count at each bar's end."""
    chart = (
        alt.Chart(alt.NamedData(DATASET))
        .mark_bar(color=BAR_COLOUR)
        .encode(
            # four characters of label room, however narrow the build machine's font measures them
            y=alt.Y("category:N", sort=None, title=None,
                    axis=alt.Axis(labelLimit=220, labelFontSize=LABEL_PX, minExtent=4 * LABEL_PX + 8)),
            x=alt.X("count:Q", title="件数", axis=alt.Axis(tickMinStep=1, format="d", titlePadding=8)),
        )
        .properties(width=300, height=alt.Step(22))
    )
    return _configured(chart + chart.mark_text(align="left", dx=3, color="#333").encode(text="count:Q"))


@lru_cache(maxsize=None)
def _line_template() -> dict:
    """Lines of `count` by `year`, one per `series`, the series in the order of the rows. Years are on a
    number axis, so a missing year leaves a gap (its rows carry no count, which breaks the line); series that
    coincide stay visible by their dash and point shape."""
    series = alt.Legend(orient="bottom", direction="vertical", labelFontSize=LABEL_PX, labelLimit=0)
    chart = (
        alt.Chart(alt.NamedData(DATASET))
        .mark_line(point={"filled": False, "size": 50}, strokeWidth=2, invalid="break-paths-show-domains")
        .encode(
            x=alt.X("year:Q", title="年度", scale=alt.Scale(zero=False, nice=False, padding=12),
                    axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0, labelFlush=False, titlePadding=8)),
            y=alt.Y("count:Q", title="件数", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("series:N", title=None, sort=None, legend=series),
            strokeDash=alt.StrokeDash("series:N", title=None, sort=None, legend=series),
            shape=alt.Shape("series:N", title=None, sort=None, legend=series),
        )
        .properties(width=320, height=200)
    )
    return _configured(chart)


def _filled(template: dict, data: pd.DataFrame) -> dict:
    """The title is not drawn: the page prints it as the figure's caption, and the SVG carries it in <title>."""
    spec = copy.deepcopy(template)
    spec["datasets"] = {DATASET: data.to_dict("records")}
    return spec


def bar_chart(data: pd.DataFrame, title: str, description: str) -> Chart:
    return Chart(title, description, data, _filled(_bar_template(), data))


def line_chart(data: pd.DataFrame, title: str, description: str) -> Chart:
    """The series keep the order of their first row (the color scale's domain is that order)."""
    domain = list(dict.fromkeys(data["series"]))
    rows = [{**r, "year": int(r["year"])} for r in data.to_dict("records")]
    present = {r["year"] for r in rows}
    # a year without a report: a row without a count for each series, which breaks the lines there
    rows += [{"year": y, "series": name, "count": None}
             for y in range(min(present), max(present)) if y not in present for name in domain]
    spec = copy.deepcopy(_line_template())
    spec["datasets"] = {DATASET: sorted(rows, key=lambda r: r["year"])}
    spec["encoding"]["color"]["scale"] = {"domain": domain, "range": list(SERIES_COLOURS[:len(domain)])}
    spec["encoding"]["strokeDash"]["scale"] = {"domain": domain, "range": [[1, 0], [6, 3], [2, 2]][:len(domain)]}
    spec["encoding"]["shape"]["scale"] = {"domain": domain, "range": ["circle", "square", "triangle-up"][:len(domain)]}
    return Chart(title, description, data, spec)


class Rendering:
    """SVGs for charts, from the cache or rendered; the rendering starts at once, in worker processes when
    there are many, so the caller can write pages without charts meanwhile, then call `finish`."""

    def __init__(self, charts: list[Chart], cache: Path, jobs: int = 1):
        cache.mkdir(parents=True, exist_ok=True)
        self.charts, self.cache, self.pool = charts, cache, None
        missing = {chart.key: chart.spec for chart in charts if not (cache / f"{chart.key}.svg").exists()}
        self.rendered = len(missing)
        specs = [(cache / f"{key}.svg", _spec_json(spec)) for key, spec in missing.items()]
        if jobs > 1 and len(specs) >= PARALLEL_FROM:
            # spawn, not fork: vl-convert's JavaScript runtime lives in a thread a forked child would not have
            self.pool = ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn"))
            self.done = self.pool.map(_render_to_file, specs, chunksize=16)
        else:
            self.done = map(_render_to_file, specs)

    def finish(self) -> int:
        """Wait for the rendering, give every chart its SVG; returns how many charts were rendered."""
        try:
            list(self.done)  # re-raises a worker's exception here
        finally:
            if self.pool:
                self.pool.shutdown()
        for chart in self.charts:
            chart.svg = _accessible((self.cache / f"{chart.key}.svg").read_text(encoding="utf-8"), chart.title,
                                    chart.description, chart.key)
        return self.rendered


def _render_to_file(item: tuple[Path, str]) -> None:
    import vl_convert as vlc

    path, spec = item
    tmp = path.with_suffix(".tmp")
    tmp.write_text(vlc.vegalite_to_svg(json.loads(spec)), encoding="utf-8")
    tmp.replace(path)  # a file in the cache is always whole


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
