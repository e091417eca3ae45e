"""Charts for board papers: SVG documents drawn with matplotlib, with alt text.

Each function returns a :class:`Chart`: the SVG text (text stays text, so it is sharp and
searchable in the PDF), a ``data:`` URI to put in ``<img src>``, and alt text that states
the finding in words, generated from the same numbers as the drawing::

    chart = trend_chart("Response rate", ["May 2018", "Oct 2018"], [0.29, 0.34],
                        percent=True, target=0.4)
    html = f'<img src="{chart.data_uri}" alt="{escape(chart.alt)}">'

matplotlib is imported inside the functions, so importing this module is cheap. Figures
are built with the object-oriented API on an Agg canvas, never through ``pyplot``: no
global backend switch, no global figure registry, and style settings only apply inside
``matplotlib.rc_context``. The same data always gives byte-identical SVG.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import math
import pickle
import re
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from itertools import pairwise
from typing import TYPE_CHECKING

from reportgen.analysis.numbers import decimals_needed, measure_number
from reportgen.analysis.spc import Assurance, Direction, SpcResult, Variation
from reportgen.workbook.schema import STATUS_COLOURS, Status

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Chart:
    """A finished chart, ready for a template."""

    title: str  # short heading for the chart
    svg: str  # a complete SVG document (UTF-8 text), no external references
    alt: str  # alt text stating the finding, generated from the data
    data_uri: str  # "data:image/svg+xml;base64,...", for <img src>, built from svg
    #: The matplotlib figure itself, kept only inside keep_figures() (for chart_png).
    figure: Figure | None = field(default=None, repr=False, compare=False)


#: Charts already drawn, by a hash of what they were drawn from (set by remember_charts()).
_REMEMBERED: ContextVar[tuple[dict[str, Chart], set[str]] | None] = ContextVar(
    "reportgen_remembered_charts", default=None)


@contextmanager
def remember_charts(store: dict[str, Chart]) -> Iterator[None]:
    """Charts asked for again with the same data come from ``store`` instead of being
    drawn again (a third of a warm preview's rebuild was matplotlib). Only the charts
    asked for inside this block stay in ``store`` after it, so it does not grow."""
    used: set[str] = set()
    token = _REMEMBERED.set((store, used))
    try:
        yield
    finally:
        _REMEMBERED.reset(token)
        for key in set(store) - used:
            del store[key]


def _remembered(draw: Callable[..., Chart]) -> Callable[..., Chart]:
    """``draw``, answered from the :func:`remember_charts` store when one is set."""

    @functools.wraps(draw)
    def chart(*args, **kwargs) -> Chart:
        remembering = _REMEMBERED.get()
        if remembering is None:
            return draw(*args, **kwargs)
        store, used = remembering
        try:
            given = pickle.dumps((draw.__name__, args, sorted(kwargs.items())), protocol=5)
        except (pickle.PicklingError, TypeError, AttributeError):
            return draw(*args, **kwargs)
        key = hashlib.sha256(given).hexdigest()
        used.add(key)
        found = store.get(key)
        if found is None or (found.figure is None and _KEEP_FIGURES.get()):
            found = store[key] = draw(*args, **kwargs)
        return found

    return chart


# NHS identity colours.
TEXT = "#231F20"
AXIS_TEXT = "#425563"
GRID = "#D8DDE0"
NHS_BLUE = "#005EB8"
NHS_GREY = "#768692"
NHS_LIGHT_BLUE = "#41B6E6"
NHS_ORANGE = "#ED8B00"
NHS_PURPLE = "#7C2855"
NHS_RED = "#DA291C"

#: Status, fill, hatch, hatch colour, label colour. The two dark fills that look alike in
#: greyscale (blue and green) are told apart by hatching as well as by their labels.
_HATCHES = {Status.ON_TRACK: ("////", "#5FB58A"), Status.OFF_TRACK: ("xxx", "#C2708A")}
STATUS_STYLES: tuple[tuple[str, str, str, str, str], ...] = tuple(
    (status.value, fill, *_HATCHES.get(status, ("", fill)),
     "white" if ink == "#FFFFFF" else TEXT)
    for status, (fill, ink) in STATUS_COLOURS.items()
)

#: Marker and colour of a special-cause point, by ``special_kind``.
SPECIAL_STYLES: dict[str, tuple[str, str, str]] = {
    "improvement": (NHS_LIGHT_BLUE, "D", "Special cause: improvement"),
    "concern": (NHS_ORANGE, "s", "Special cause: concern"),
    "neutral": (NHS_PURPLE, "^", "Special cause: neither"),
}

_ASSURANCE_WORDS = {
    Assurance.PASS: "consistently passing",
    Assurance.FAIL: "consistently failing",
    Assurance.HIT_AND_MISS: "hit and miss",
}

WIDTH_IN = 6.3  # fills about 16 cm of an A4 page
HEIGHT_IN = 2.8
FONT_SIZE = 9.0  # points; the SVG is drawn at its natural size in the PDF
LABEL_SIZE = 9.0

_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": ["Arial", "Liberation Sans", "Arimo", "DejaVu Sans"],
    "font.size": FONT_SIZE,
    "text.color": TEXT,
    "axes.labelcolor": AXIS_TEXT,
    "axes.edgecolor": AXIS_TEXT,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": FONT_SIZE,
    "xtick.color": AXIS_TEXT,
    "ytick.color": AXIS_TEXT,
    "xtick.labelsize": FONT_SIZE,
    "ytick.labelsize": FONT_SIZE,
    "legend.fontsize": FONT_SIZE,
    "legend.frameon": False,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "hatch.linewidth": 0.9,
    "svg.fonttype": "none",
    "svg.hashsalt": "reportgen-charts",
    "svg.id": None,
    # Names from the workbook are printed as typed: "$5m and $3m" is not mathtext.
    "text.parse_math": False,
}


# ---------------------------------------------------------------------------------------
# Status by theme


@_remembered
def status_by_theme_chart(summary: pd.DataFrame) -> Chart:
    """Horizontal stacked bars of actions by status, one bar per theme.

    ``summary`` is :func:`reportgen.analysis.status_summary`: themes then a "Total" row;
    status columns then a "Total" column. The Total row and column are ignored (totals are
    recomputed from the status counts).
    """
    statuses = [s[0] for s in STATUS_STYLES]
    counts = summary.drop(index="Total", errors="ignore")
    counts = counts.reindex(columns=statuses, fill_value=0).fillna(0).astype(int)
    if counts.empty:
        raise ValueError("status_by_theme_chart needs at least one theme")
    title = "Actions by theme and status"
    alt = _status_alt(title, counts)

    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    names = [textwrap.fill(str(name), 30) for name in counts.index]
    lines = max(name.count("\n") + 1 for name in names)
    pitch = 0.16 + 0.14 * lines  # inches per bar
    top_in, bottom_in = 0.42, 0.42
    height = top_in + bottom_in + pitch * len(names)
    totals = counts.sum(axis=1)
    xmax = max(int(totals.max()), 1)

    with _style():
        fig, ax = _figure(WIDTH_IN, height)
        ys = list(range(len(names)))
        ax.set_ylim(len(names) - 0.5, -0.5)  # first theme at the top
        ax.set_xlim(0, xmax * 1.06 + 0.5)
        ax.set_yticks(ys, names)
        ax.tick_params(axis="y", length=0, colors=TEXT, pad=6)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10], integer=True))
        ax.grid(axis="x")
        ax.set_axisbelow(True)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel("Number of actions")
        left = _left_margin(fig, ax)
        fig.subplots_adjust(left=left, right=1 - 0.15 / WIDTH_IN,
                            top=1 - top_in / height, bottom=bottom_in / height)
        points_per_unit = _axes_size_pt(fig, ax)[0] / (ax.get_xlim()[1] - ax.get_xlim()[0])

        starts = [0] * len(names)
        for status, fill, hatch, hatch_colour, label_colour in STATUS_STYLES:
            widths = counts[status].tolist()
            edge = TEXT if status == "Not started" else "white"
            drawn = [i for i, w in enumerate(widths) if w]  # a zero-width bar shows its edge
            ax.barh([ys[i] for i in drawn], [widths[i] for i in drawn],
                    left=[starts[i] for i in drawn], height=0.62, color=fill, edgecolor=edge,
                    linewidth=0.5 if edge == TEXT else 0.8, hatch=hatch or None,
                    hatchcolor=hatch_colour, zorder=2)
            for y, start, width in zip(ys, starts, widths, strict=True):
                text = str(width)
                fits = width * points_per_unit >= _text_width_pt(text) + 6
                if width and fits:
                    ax.text(start + width / 2, y, text, ha="center", va="center",
                            color=label_colour, fontsize=LABEL_SIZE, fontweight="bold",
                            zorder=3, bbox={"boxstyle": "square,pad=0.12", "fc": fill,
                                            "ec": "none"} if hatch else None)
            starts = [s + w for s, w in zip(starts, widths, strict=True)]
        for y, total in zip(ys, totals, strict=True):
            ax.text(total + 0.25 + xmax * 0.01, y, str(total), ha="left", va="center",
                    color=TEXT, fontsize=LABEL_SIZE)
        # Every status is in the key, even one no theme has, so papers look alike.
        key = [Patch(facecolor=fill, edgecolor=TEXT if status == "Not started" else fill,
                     linewidth=0.5, hatch=hatch or None, hatchcolor=hatch_colour, label=status)
               for status, fill, hatch, hatch_colour, _ in STATUS_STYLES]
        # Above the bars, from the figure's left edge: long theme names leave the axes
        # too narrow to hold it.
        fig.legend(handles=key, loc="upper left", bbox_to_anchor=(0, 1),
                   ncol=len(STATUS_STYLES), borderaxespad=0.5, handlelength=1.6,
                   handleheight=1.1, columnspacing=1.4, handletextpad=0.5)
        svg, kept = _finish(fig, alt)
    return _chart(title, svg, alt, kept)


def _status_alt(title: str, counts: pd.DataFrame) -> str:
    totals = counts.sum(axis=0)
    grand = int(totals.sum())
    overall = [f"{int(totals[s])} {s.lower()}" for s in counts.columns]
    overall[0] = f"{int(totals['Complete'])} of {grand} complete"
    themes = []
    for name, row in counts.iterrows():
        n = int(row.sum())
        if n == 0:
            themes.append(f"{name} has no actions")
            continue
        parts = ", ".join(f"{int(c)} {s.lower()}" for s, c in row.items() if c)
        themes.append(f"{name} has {_plural(n, 'action')}: {parts}")
    return f"{title}: {', '.join(overall)}. {'; '.join(themes)}."


# ---------------------------------------------------------------------------------------
# Trend


@_remembered
def trend_chart(
    metric: str,
    periods: list[str],
    values: list[float],
    *,
    percent: bool,
    target: float | None = None,
    unit: str | None = None,
    met: bool | None = None,
) -> Chart:
    """A line over periods, the first and last values labelled, an optional target line.

    ``met`` says whether the latest value meets the target, as the metrics table says
    (in the metric's direction); without it, higher is taken as better.

    With ``percent=True`` values are fractions (0.34 is shown as "34%").
    """
    if len(periods) != len(values):
        raise ValueError(f"{len(periods)} periods but {len(values)} values")
    ys = [_float(v) for v in values]
    known = [i for i, v in enumerate(ys) if not math.isnan(v)]
    if not known:
        raise ValueError(f"trend_chart: {metric!r} has no values")
    fmt = _formatter(ys, percent=percent, unit=unit)
    alt = _trend_alt(metric, periods, ys, known, fmt, target, met)

    shown = [ys[i] for i in known] + ([target] if target is not None else [])
    top = max(shown) * 1.22 if max(shown) > 0 else 1.0
    bottom = min(0.0, min(shown) * 1.15)  # from zero, unless a value is negative

    with _style():
        fig, ax = _figure(WIDTH_IN, HEIGHT_IN)
        _period_axis(ax, periods)
        _value_axis(ax, bottom, top, percent=percent, unit=unit)
        right_labels = []
        if target is not None:
            ax.axhline(target, color=NHS_RED, linestyle=(0, (5, 3)), linewidth=1.2, zorder=2)
            right_labels.append((target, f"Target {fmt(target, with_unit=False)}", NHS_RED))
        ax.plot(range(len(ys)), ys, color=NHS_BLUE, linewidth=1.8, marker="o",
                markersize=4.5, zorder=3)
        _layout(fig, ax, right_labels, top_in=0.15)
        ends = [known[0]] if len(known) == 1 else [known[0], known[-1]]
        for i in ends:
            _value_label(ax, i, ys, fmt(ys[i], with_unit=False), top)
        _right_labels(fig, ax, right_labels)
        svg, kept = _finish(fig, alt)
    return _chart(metric, svg, alt, kept)


def _trend_alt(metric: str, periods: list[str], ys: list[float], known: list[int],
               fmt: Callable[..., str], target: float | None,
               met: bool | None = None) -> str:
    first, last = known[0], known[-1]
    a, b = fmt(ys[first]), fmt(ys[last])
    if first == last:
        sentence = f"{metric} was {b} in {periods[last]}"
    elif a == b:
        sentence = f"{metric} was unchanged at {b} from {periods[first]} to {periods[last]}"
    else:
        verb = "rose" if ys[last] > ys[first] else "fell"
        sentence = f"{metric} {verb} from {a} in {periods[first]} to {b} in {periods[last]}"
    if target is not None:
        reached = ys[last] >= target if met is None else met
        sentence += f"; target {fmt(target)} {'met' if reached else 'not met'}"
    return sentence + "."


def _value_label(ax: Axes, i: int, ys: list[float], text: str, top: float) -> None:
    """Label point i above it, or below it when the line leaves upwards from it."""
    neighbours = [ys[j] for j in (i - 1, i + 1) if 0 <= j < len(ys) and not math.isnan(ys[j])]
    below = bool(neighbours) and max(neighbours) > ys[i] and ys[i] > 0.18 * top
    ax.annotate(text, (i, ys[i]), xytext=(0, -7 if below else 7), textcoords="offset points",
                ha="center", va="top" if below else "bottom", fontsize=LABEL_SIZE,
                fontweight="bold", color=TEXT, zorder=4)


# ---------------------------------------------------------------------------------------
# SPC


@_remembered
def spc_chart(metric: str, result: SpcResult, *, percent: bool, unit: str | None = None
              ) -> Chart:
    """An XmR chart in the NHS England "Making Data Count" style, or a run chart.

    Limits and mean are drawn per segment (they change at a rebase) and labelled at the
    right; special-cause points are coloured and shaped by kind; the variation and
    assurance results are a caption above the plot.
    """
    points = result.points.reset_index(drop=True)
    if points.empty:
        raise ValueError(f"spc_chart: {metric!r} has no points")
    periods = [str(p) for p in points["period"]]
    ys = [_float(v) for v in points["value"]]
    fmt = _limit_formatter(ys, percent=percent, unit=unit)
    alt = _spc_alt(metric, result, periods, fmt)
    caption = _spc_caption(result)
    last = points.iloc[-1]
    target = result.target

    bounds = [v for v in ys if not math.isnan(v)]
    columns = ["mean", "upper", "lower"] if result.is_spc else ["mean"]
    for column in columns:
        bounds += [v for v in map(_float, points[column]) if not math.isnan(v)]
    if target is not None:
        bounds.append(target)
    low, high = min(bounds), max(bounds)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    low = max(low - pad, 0.0) if low >= 0 else low - pad
    high += pad
    kinds = [k for k in SPECIAL_STYLES if (points["special_kind"] == k).any()] \
        if result.is_spc and "special_kind" in points else []

    with _style():
        fig, ax = _figure(WIDTH_IN, HEIGHT_IN)
        xs = list(range(len(ys)))
        _period_axis(ax, periods)
        _value_axis(ax, low, high, percent=percent, unit=unit)
        right_labels = []
        for _, segment in points.groupby("segment", sort=False):
            index = segment.index.tolist()
            _segment_line(ax, index, segment["mean"], len(ys), color=TEXT, linewidth=1.1)
            if result.is_spc:
                for column in ("upper", "lower"):
                    _segment_line(ax, index, segment[column], len(ys), color=AXIS_TEXT,
                                  linewidth=1.0, linestyle=(0, (4, 2.5)))
        if result.is_spc and not result.short_latest:
            right_labels += [
                (_float(last["upper"]), f"Upper limit {fmt(last['upper'], with_unit=False)}",
                 AXIS_TEXT),
                (_float(last["mean"]), f"Mean {fmt(last['mean'], with_unit=False)}", TEXT),
                (_float(last["lower"]), f"Lower limit {fmt(last['lower'], with_unit=False)}",
                 AXIS_TEXT),
            ]
        else:
            right_labels.append(
                (_float(last["mean"]), f"Median {fmt(last['mean'], with_unit=False)}", TEXT))
        right_labels = [label for label in right_labels if not math.isnan(label[0])]
        for period in result.rebased_at:  # each rebase marked where it starts
            x = periods.index(period) - 0.5
            ax.axvline(x, color=NHS_BLUE, linestyle=(0, (1, 2)), linewidth=1.0, zorder=1)
            ax.annotate(f"Rebased {period}", (x, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -2), textcoords="offset points", ha="left", va="top",
                        fontsize=FONT_SIZE - 1, color=NHS_BLUE)
        if target is not None:
            ax.axhline(target, color=NHS_RED, linestyle=(0, (5, 3)), linewidth=1.2, zorder=2)
            right_labels.append((target, f"Target {target_text(target, percent)}", NHS_RED))
        ax.plot(xs, ys, color=NHS_GREY, linewidth=1.4, marker="o", markersize=3.5, zorder=3)
        for kind in kinds:
            colour, marker, label = SPECIAL_STYLES[kind]
            flagged = [x for x, k in zip(xs, points["special_kind"], strict=True) if k == kind]
            ax.plot(flagged, [ys[x] for x in flagged], linestyle="none", marker=marker,
                    markersize=6 if marker == "s" else 6.5, color=colour,
                    markeredgecolor=TEXT, markeredgewidth=0.6, zorder=4, label=label)
        _layout(fig, ax, right_labels, top_in=0.42, bottom_in=0.62 if kinds else 0.38)
        axes_box = ax.get_position()
        fig.text(axes_box.x0, 1 - 0.1 / HEIGHT_IN, caption, ha="left", va="top",
                 fontsize=FONT_SIZE + 0.5, fontweight="bold", color=TEXT)
        if kinds:
            fig.legend(loc="lower left", bbox_to_anchor=(axes_box.x0, 0.0), ncol=len(kinds),
                       borderaxespad=0.2, handletextpad=0.3, columnspacing=1.6,
                       borderpad=0.2)
        _right_labels(fig, ax, right_labels)
        svg, kept = _finish(fig, alt)
    return _chart(metric, svg, alt, kept)


def _segment_line(ax: Axes, index: list[int], values, n: int, **style) -> None:
    """A step line over one segment, reaching halfway to the neighbouring segments."""
    ys = [_float(v) for v in values]
    if all(math.isnan(v) for v in ys):
        return
    xs = list(index)
    if xs[0] > 0:
        xs, ys = [xs[0] - 0.5, *xs], [ys[0], *ys]
    if xs[-1] < n - 1:
        xs, ys = [*xs, xs[-1] + 0.5], [*ys, ys[-1]]
    ax.plot(xs, ys, drawstyle="steps-mid", zorder=2, **style)


def target_text(target: float, percent: bool) -> str:
    """A target as the paper's text and the chart's label both print it ("3.8%")."""
    return measure_number(target, percent=percent)


def _spc_caption(result: SpcResult) -> str:
    if not result.is_spc:
        return "Run chart: fewer than 15 points"
    if result.short_latest:
        return f"Rebased {result.rebased_at[-1]}: too few points since for process limits"
    parts = []
    if result.variation is not None:
        parts.append(_variation_words(result.variation))
    if result.assurance is not None:
        parts.append(_ASSURANCE_WORDS[result.assurance])
    return " · ".join(parts)


def _variation_words(variation: Variation) -> str:
    if variation is Variation.COMMON_CAUSE:
        return "Common cause variation"
    return variation.value[0].upper() + variation.value[1:]


def _spc_alt(metric: str, result: SpcResult, periods: list[str], fmt) -> str:
    points = result.points.reset_index(drop=True)
    last = points.iloc[-1]
    span = f"{_cadence(periods)}{periods[0]} to {periods[-1]}" if len(periods) > 1 \
        else periods[0]
    latest = f"Latest {fmt(last['value'])} ({periods[-1]})."
    target = result.target
    target_words = "" if target is None else target_text(target, fmt.percent)
    if result.is_spc and result.short_latest:
        start = periods.index(result.rebased_at[-1])
        earlier = points.iloc[start - 1]
        sentences = [
            f"{metric}, {span}: rebased at {result.rebased_at[-1]}; the "
            f"{_plural(len(periods) - start, 'point')} since are too few for process limits "
            f"(fewer than 15), so they are shown with their median, {fmt(last['mean'])}.",
            f"Before the rebase: mean {fmt(earlier['mean'])}, process limits "
            f"{fmt(earlier['lower'], with_unit=False)} to {fmt(earlier['upper'])}.",
            latest,
        ]
        if target is not None:
            sentences.append(f"Target {target_words}: {_run_target(result, last, fmt)}.")
        return " ".join(sentences)
    if not result.is_spc:
        sentences = [
            f"{metric}, {span}: run chart of {_plural(len(points), 'point')} "
            f"(fewer than 15, so no process limits), median {fmt(last['mean'])}.",
            latest,
        ]
        if result.rebased_at:
            sentences.insert(1, "Rebased at " + ", ".join(result.rebased_at) + ".")
        if target is not None:
            sentences.append(f"Target {target_words}: {_run_target(result, last, fmt)}.")
        return " ".join(sentences)

    rebased = points["segment"].nunique() > 1
    since = ""
    if rebased:
        start = points.index[points["segment"] == last["segment"]][0]
        since = f" since the rebase at {periods[start]}"
    sentences = [
        f"{metric}, {span}: mean {fmt(last['mean'])}, process limits "
        f"{fmt(last['lower'], with_unit=False)} to {fmt(last['upper'])}{since}.",
        latest,
    ]
    variation = _variation_sentence(result, points, periods)
    if variation:
        sentences.append(variation)
    if target is not None:
        if result.assurance is not None:
            sentences.append(f"Target {target_words}: {_ASSURANCE_WORDS[result.assurance]}.")
        else:
            sentences.append(f"Target {target_words}.")
    if result.against_assurance >= 2:
        sentences.append(against_words(result))
    return " ".join(sentences)


def against_words(result: SpcResult) -> str:
    """The reading when the latest points contradict a consistent pass or fail."""
    n = result.against_assurance
    if result.assurance is Assurance.FAIL:
        return (f"But the latest {n} points meet the target: the limits were computed "
                "before the process changed; consider rebasing from the month it changed.")
    return (f"But the latest {n} points miss the target: the limits were computed before "
            "the process changed; consider rebasing from the month it changed.")


def _run_target(result: SpcResult, last, fmt) -> str:
    value = _float(last["value"])
    if result.direction is Direction.NEUTRAL or math.isnan(value):
        return f"latest {fmt(value)}"
    met = value >= result.target if result.direction is Direction.HIGHER \
        else value <= result.target
    return "latest value meets it" if met else "latest value does not meet it"


def _variation_sentence(result: SpcResult, points: pd.DataFrame, periods: list[str]) -> str:
    """The variation result, and which rules flagged the most recent special points."""
    words = _variation_words(result.variation) if result.variation is not None else ""
    special = points["special"].astype(bool).tolist() if "special" in points else []
    if not any(special):
        return f"{words}." if words else ""
    end = max(i for i, s in enumerate(special) if s)
    start = end
    while start > 0 and special[start - 1] and \
            points.at[start - 1, "segment"] == points.at[end, "segment"]:
        start -= 1
    rules = "; ".join(_rules(points, start, end))
    if end == len(points) - 1 and words:
        return f"{words}: {rules}."
    kind = points.at[end, "special_kind"]
    kind_words = {"improvement": "improvement", "concern": "concern",
                  "neutral": "neither improving nor concerning"}.get(kind, "")
    when = periods[end] if start == end else f"{periods[start]} to {periods[end]}"
    lead = f"{words}. " if words else ""
    label = f"Most recent special cause ({kind_words})" if kind_words \
        else "Most recent special cause"
    return f"{lead}{label}, {when}: {rules}."


def _rules(points: pd.DataFrame, start: int, end: int) -> list[str]:
    """Plain-words descriptions of the rules that flagged points start..end."""
    found = []
    run = points.iloc[start:end + 1]

    def side(i: int) -> str:
        return "above" if points.at[i, "value"] > points.at[i, "mean"] else "below"

    def block(column: str) -> list[int]:
        """The consecutive flagged points ending at the run's last flagged point."""
        flagged = [i for i in run.index if bool(points.at[i, column])]
        if not flagged:
            return []
        i = flagged[-1]
        block = [i]
        while i - 1 >= start and bool(points.at[i - 1, column]):
            i -= 1
            block.insert(0, i)
        return block

    outside = [i for i in run.index if bool(points.at[i, "outside"])]
    if outside:
        high = [i for i in outside if side(i) == "above"]
        low = [i for i in outside if side(i) == "below"]
        for group, where in ((high, "above the upper limit"), (low, "below the lower limit")):
            if group:
                found.append(f"{_plural(len(group), 'point')} {where}")
    shift = block("shift")
    if shift:
        found.append(f"{len(shift)} points in a row {side(shift[-1])} the mean")
    trend = block("trend")
    if trend:
        rising = points.at[trend[-1], "value"] > points.at[trend[0], "value"]
        found.append(f"{len(trend)} points in a row {'rising' if rising else 'falling'}")
    two = block("two_of_three")
    if two:
        limit = "upper" if side(two[-1]) == "above" else "lower"
        found.append(f"2 of 3 points beyond the near {limit} limit")
    return found or ["special cause"]


def _cadence(periods: Sequence[str]) -> str:
    """ "monthly " when the periods are consecutive months written like "Nov 2016"."""
    try:
        months = [datetime.strptime(p.strip(), "%b %Y") for p in periods]
    except ValueError:
        return ""
    steps = {(b.year - a.year) * 12 + b.month - a.month for a, b in pairwise(months)}
    return "monthly " if steps == {1} else ""


# ---------------------------------------------------------------------------------------
# Shared drawing


def _style():
    import matplotlib

    return matplotlib.rc_context(_RC)


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure on an Agg canvas, without pyplot (no global state to clean up)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _period_axis(ax: Axes, periods: list[str]) -> None:
    """Period labels along x, thinned so they never touch, always including the last."""
    n = len(periods)
    plot_width = (WIDTH_IN - 1.7) * 72  # points, allowing for both margins
    widest = max(_text_width_pt(p) for p in periods) + 10
    step = max(1, math.ceil(n * widest / plot_width))
    ticks = list(range(n - 1, -1, -step))[::-1]
    ax.set_xticks(ticks, [periods[i] for i in ticks])
    ax.set_xlim(-0.6, n - 0.4)
    ax.tick_params(axis="x", length=3)


def _value_axis(ax: Axes, low: float, high: float, *, percent: bool, unit: str | None) -> None:
    """A y axis from low to high: light grid lines, no spine, ticks in the chart's units."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.set_ylim(low, high)
    locator = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10])
    ticks = [t for t in locator.tick_values(low, high) if low - 1e-12 <= t <= high + 1e-12]
    if percent:
        ticks = [t for t in ticks if t <= 1 + 1e-12]
    scale = 100 if percent else 1
    decimals = next((d for d in range(3)
                     if all(abs(round(t * scale, d) - t * scale) < 1e-9 for t in ticks)), 3)
    suffix = "%" if percent else ""
    ax.set_yticks(ticks)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * scale:,.{decimals}f}{suffix}"))
    ax.grid(axis="y")
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0, pad=4)
    ax.spines["left"].set_visible(False)
    if percent:  # a percentage of a unit ("% of staff"); a plain percentage reads "%"
        ax.set_ylabel(f"% of {unit}" if unit and unit.strip() != "%" else "%")
    elif unit:
        ax.set_ylabel(unit)


def _layout(fig: Figure, ax: Axes, right_labels: list, *, top_in: float,
            bottom_in: float = 0.38) -> None:
    """Fix the margins: room for the y tick labels on the left, labels on the right."""
    width, height = fig.get_size_inches()
    left = _left_margin(fig, ax)
    right_in = 0.2
    if right_labels:
        widest = max(_text_width_pt(text) for _, text, _ in right_labels)
        right_in = 0.12 + widest / 72 + 0.1
    fig.subplots_adjust(left=left, right=1 - right_in / width,
                        top=1 - top_in / height, bottom=bottom_in / height)


def _left_margin(fig: Figure, ax: Axes) -> float:
    """Fraction of the figure width needed by the y axis labels (measured, not guessed)."""
    renderer = fig.canvas.get_renderer()
    fig.subplots_adjust(left=0.5)
    needed = ax.get_window_extent(renderer).x0 - ax.get_tightbbox(renderer).x0
    return min(0.55, (needed + 8) / fig.bbox.width)


def _axes_size_pt(fig: Figure, ax: Axes) -> tuple[float, float]:
    box = ax.get_position()
    width, height = fig.get_size_inches()
    return box.width * width * 72, box.height * height * 72


def _right_labels(fig: Figure, ax: Axes, labels: list[tuple[float, str, str]]) -> None:
    """Labels in the right margin beside their lines, nudged apart so none overlap."""
    if not labels:
        return
    low, high = ax.get_ylim()
    wanted = [(y - low) / (high - low) for y, _, _ in labels]
    gap = (FONT_SIZE * 1.25) / _axes_size_pt(fig, ax)[1]
    for place, (_, text, colour) in zip(_spread(wanted, gap), labels, strict=True):
        ax.text(1.02, place, text, transform=ax.transAxes, ha="left", va="center",
                color=colour, fontsize=FONT_SIZE, clip_on=False)


def _spread(wanted: list[float], gap: float) -> list[float]:
    """Positions as near as possible to ``wanted`` with at least ``gap`` between them."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    clusters: list[list[int]] = []
    starts: list[float] = []
    for i in order:
        clusters.append([i])
        starts.append(wanted[i])
        while len(clusters) > 1 and starts[-1] - starts[-2] < gap * len(clusters[-2]):
            members = clusters[-2] + clusters.pop()
            starts.pop()
            clusters[-1] = members
            starts[-1] = sum(wanted[m] - k * gap for k, m in enumerate(members)) / len(members)
    placed = [0.0] * len(wanted)
    for members, start in zip(clusters, starts, strict=True):
        for k, m in enumerate(members):
            placed[m] = start + k * gap
    return placed


def _text_width_pt(text: str, size: float = FONT_SIZE) -> float:
    """Width of text in points, in bold (the widest case), with the font the SVG names."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    width, _, _ = TextToPath().get_text_width_height_descent(
        text, FontProperties(size=size, weight="bold"), ismath=False)
    return width


#: Whether charts keep their figure, for chart_png (set by keep_figures()).
_KEEP_FIGURES: ContextVar[bool] = ContextVar("reportgen_keep_chart_figures", default=False)


@contextmanager
def keep_figures() -> Iterator[None]:
    """Charts made inside this block keep their matplotlib figure, so that
    :func:`chart_png` can draw the same chart as PNG later (the Word export, which
    cannot rely on SVG, draws them while the PDF is laid out)."""
    token = _KEEP_FIGURES.set(True)
    try:
        yield
    finally:
        _KEEP_FIGURES.reset(token)


def chart_png(chart: Chart, dpi: int = 200) -> bytes:
    """The chart as PNG at ``dpi``, drawn from the very figure its SVG came from."""
    if chart.figure is None:
        raise ValueError(f"the chart {chart.title!r} was made outside keep_figures()")
    buffer = io.BytesIO()
    with _style():  # some settings (hatch widths) are read when the figure is drawn
        # No "Software" text chunk: the same figure gives the same bytes.
        chart.figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None},
                             pil_kwargs={"compress_level": 1})  # fast; a little larger
    return buffer.getvalue()


def _finish(fig: Figure, alt: str) -> tuple[str, Figure | None]:
    """The figure as an SVG document, with the alt text as its <title>; and the figure
    itself inside :func:`keep_figures`."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue().decode("utf-8")
    svg = re.sub(r"(<svg\b[^>]*>)", lambda m: f"{m.group(1)}\n <title>{escape(alt)}</title>",
                 svg, count=1)
    return svg, fig if _KEEP_FIGURES.get() else None


def _chart(title: str, svg: str, alt: str, figure: Figure | None = None) -> Chart:
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Chart(title=title, svg=svg, alt=alt, data_uri=f"data:image/svg+xml;base64,{encoded}",
                 figure=figure)


# ---------------------------------------------------------------------------------------
# Numbers in words


def _limit_formatter(values: Sequence[float], *, percent: bool,
                     unit: str | None) -> Callable[..., str]:
    """A formatter for an SPC chart: values and limits with one decimal more than the
    data have (at most two), so a mean of 86.45% is not printed as "86%"; no trailing
    zeros (a mean of exactly 3.8% is "3.8%")."""
    known = [v for v in values if not math.isnan(v)]
    places = min(2, decimals_needed(known, scale=100 if percent else 1) + 1)

    def fmt(value: float, *, with_unit: bool = True) -> str:
        value = _float(value)
        if math.isnan(value):
            return "no value"
        shown = decimals_needed([value], scale=100 if percent else 1, most=places)
        text = measure_number(value, percent=percent, decimals=shown)
        return f"{text} {unit}" if with_unit and unit and not percent else text

    fmt.percent = percent  # type: ignore[attr-defined]
    return fmt


def _formatter(values: Sequence[float], *, percent: bool,
               unit: str | None) -> Callable[..., str]:
    """A formatter for one chart's numbers, consistent across its labels and alt text.

    Percent: whole percent when the values span at least 5 points or are all whole
    percents ("34%"), otherwise one decimal ("4.3%"). Counts: whole numbers as they are,
    others to one decimal (or none once the values span 20 or more).
    """
    known = [v for v in values if not math.isnan(v)]
    span = max(known) - min(known) if known else 0.0
    if percent:
        whole = all(abs(v * 100 - round(v * 100)) < 1e-6 for v in known)
        decimals = 0 if whole or span >= 0.05 else 1
    else:
        decimals = 0 if span >= 20 else 1

    def fmt(value: float, *, with_unit: bool = True) -> str:
        value = _float(value)
        if math.isnan(value):
            return "no value"
        if percent:
            return f"{_half_up(value, decimals, scale=100)}%"
        places = 0 if value == int(value) else decimals
        text = f"{_half_up(value, places):,}"
        return f"{text} {unit}" if with_unit and unit else text

    return fmt


def _half_up(value: float, decimals: int, scale: int = 1) -> Decimal:
    """Halves rounded up, as :func:`reportgen.analysis.percent` does (34.5% -> 35%)."""
    exact = Decimal(repr(value)) * scale
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _float(value) -> float:
    try:
        return float(value) if value is not None else math.nan
    except (TypeError, ValueError):
        return math.nan


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
