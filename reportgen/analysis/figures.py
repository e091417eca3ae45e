"""Figures computed from the model with pandas: rates, status counts, groupings.

Nothing a reader sees as a number is typed by the author: percentages and counts
come from here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pandas as pd

from reportgen.analysis.charts import (
    Chart,
    against_words,
    spc_chart,
    status_by_theme_chart,
    target_text,
    trend_chart,
)
from reportgen.analysis.numbers import format_count, measure_number, percent
from reportgen.analysis.progress import Progress, compare, previous_from_history
from reportgen.analysis.spc import Direction, SpcResult, xmr
from reportgen.workbook.model import Action, Metric, Report, WorkforceMeasure
from reportgen.workbook.schema import SPC_MIN_POINTS, Status


def metrics_frame(metrics: list[Metric]) -> pd.DataFrame:
    """One row per metric and period, with the rate, the target and their display text.

    A metric reads as a ``rate`` (a percentage of its population), a ``count`` or a
    ``score`` out of its maximum; its target is in the same unit, and "Target met?"
    compares like with like in the metric's direction (lower is better: at most the
    target)."""
    columns = ["metric", "period", "count", "population", "unit", "target", "source",
               "kind", "maximum", "direction"]
    frame = pd.DataFrame(
        [[m.name, m.period, m.count, m.population, m.unit, m.target, m.source,
          m.kind or ("rate" if m.population is not None else "count"), m.maximum,
          m.direction] for m in metrics],
        columns=columns,
    )
    for text in ("unit", "source"):  # an empty cell is None, never a printed "nan"
        frame[text] = frame[text].astype(object).where(frame[text].notna(), None)
    for number in ("population", "target", "maximum"):
        frame[number] = frame[number].astype("float64")
    rate = (frame["count"] / frame["population"]).where(frame["kind"] == "rate")
    frame["rate"] = rate
    frame["percent"] = pd.Series(
        [None if pd.isna(r) else percent(c, p)
         for r, c, p in zip(rate, frame["count"], frame["population"], strict=True)],
        index=frame.index, dtype=object)
    frame["target_met"] = pd.Series(
        [_met(row) for row in frame.itertuples()], index=frame.index, dtype=object)
    frame["rate_text"] = pd.Series([_rate_text(row) for row in frame.itertuples()],
                                   index=frame.index, dtype=object)
    frame["target_text"] = pd.Series([_target_text(row) for row in frame.itertuples()],
                                     index=frame.index, dtype=object)
    frame["figure"] = [_figure(row) for row in frame.itertuples()]
    frame["change"] = pd.Series(_changes(frame), index=frame.index, dtype=object)
    return frame


def _met(row) -> bool | None:
    """Whether the figure meets its target, in its direction; None without a target."""
    value = row.rate if row.kind == "rate" else row.count
    if pd.isna(row.target) or pd.isna(value):
        return None
    return bool(value <= row.target) if row.direction == "lower" else bool(value >= row.target)


def _rate_text(row) -> str | None:
    """The rate as printed: whole percent, or one decimal where the whole percent would
    seem to contradict "Target met?" (39.6% against 40% is not met: not "40%")."""
    if row.percent is None:
        return None
    if not pd.isna(row.target):
        whole, goal = row.percent, row.target * 100
        seems = whole <= goal if row.direction == "lower" else whole >= goal
        if seems != _met(row):
            return f"{measure_number(row.rate, percent=True, decimals=1)}"
    return f"{row.percent}%"


def metrics_note(frame: pd.DataFrame) -> str:
    """The note under the metrics table: how rates are rounded, and, only where the
    table has them, the one-decimal rates and the lower-is-better targets (a note of
    one line keeps to the table's page)."""
    words = "Rates are computed from the count and population, rounded to the nearest whole percent"
    if any(isinstance(t, str) and "." in t for t in frame.get("rate_text", [])):
        words += " (to one decimal where that decides whether the target is met)"
    if (frame.get("direction", pd.Series(dtype=object)) == "lower").any():
        words += "; a target is met when the figure is at most the target where lower is better"
    return words + "; changes are against the metric's previous period."


def _target_text(row) -> str | None:
    """"at least 40%" / "at most 2": the target in the metric's unit and direction."""
    if pd.isna(row.target):
        return None
    word = "at most" if row.direction == "lower" else "at least"
    if row.kind == "rate":
        return f"{word} {measure_number(row.target, percent=True)}"
    return f"{word} {format_count(row.target)}"


def _changes(frame: pd.DataFrame) -> list[str | None]:
    """Each period against the metric's previous one, in words: "up 5 points from 29%"."""
    changes: list[str | None] = [None] * len(frame)
    for _, group in frame.groupby(frame["metric"].str.casefold(), sort=False):
        positions = list(group.index)
        for before, now in itertools.pairwise(positions):
            old, new = frame.loc[before], frame.loc[now]
            if old["percent"] is not None and new["percent"] is not None:
                delta = new["percent"] - old["percent"]
                size = f"{abs(delta)} point{'s' if abs(delta) != 1 else ''}"
                start = f"{old['percent']}%"
            else:
                delta = new["count"] - old["count"]
                size = format_count(abs(delta))
                start = format_count(old["count"])
            if delta == 0:
                changes[frame.index.get_loc(now)] = f"unchanged from {old['period']}"
            else:
                word = "up" if delta > 0 else "down"
                changes[frame.index.get_loc(now)] = f"{word} {size} from {start}"
    return changes


def _figure(row) -> str:
    """"111 (34% of staff)" for a rate, "107 awards" for a count, "level 1 of 4" for a
    score (its Unit before the number)."""
    count = format_count(row.count)
    unit = row.unit if isinstance(row.unit, str) else ""
    if row.kind == "score":
        return f"{unit} {count} of {format_count(row.maximum)}".strip()
    if row.kind != "rate" or pd.isna(row.population):
        return f"{count} {unit}".strip()
    of = f" of {unit}" if unit else ""
    return f"{count} ({row.rate_text}{of})"


def latest_figures(frame: pd.DataFrame) -> dict[str, str]:
    """Metric name (casefolded) -> display text of its last listed period."""
    if frame.empty:
        return {}
    last = frame.groupby(frame["metric"].str.casefold(), sort=False).tail(1)
    return dict(zip(last["metric"].str.casefold(), last["figure"], strict=True))


@dataclass(frozen=True)
class Theme:
    name: str
    actions: list[Action]


def themes(actions: list[Action]) -> list[Theme]:
    """Actions grouped by theme, themes in the order they first appear."""
    grouped: dict[str, list[Action]] = {}
    for action in actions:
        grouped.setdefault(action.theme, []).append(action)
    return [Theme(name, items) for name, items in grouped.items()]


def status_summary(actions: list[Action]) -> pd.DataFrame:
    """Count of actions by theme and overall status, with a Total row and column."""
    order = [s.value for s in Status]
    frame = pd.DataFrame(
        {"theme": [a.theme for a in actions], "status": [a.status.value for a in actions]}
    )
    themes_in_order = list(dict.fromkeys(frame["theme"]))
    table = pd.crosstab(frame["theme"], pd.Categorical(frame["status"], categories=order),
                        dropna=False)
    table = table.reindex(index=themes_in_order, columns=order, fill_value=0)
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    return table.astype(int)


@dataclass(frozen=True)
class WorkforceView:
    """A workforce measure with its SPC (or run) chart."""

    measure: WorkforceMeasure
    result: SpcResult
    chart: Chart
    target_text: str | None = None  # as the chart's target label prints it ("3.8%")
    #: The reading when the latest points contradict the assurance icon, or None.
    against: str | None = None

    def reading(self, min_points: int) -> str:
        """The measure in words under its heading, as the PDF and the Word document
        print it: variation and assurance (or why they are not judged), rebases, how the
        limits were made, the better direction, target and source."""
        result, measure = self.result, self.measure
        words = []
        if result.is_spc and result.short_latest:
            words.append(f"Rebased {result.rebased_at[-1]}: fewer than {min_points} months "
                         "since, too few for process limits, so the months since are shown "
                         "with their median and the variation and assurance are not judged.")
        elif result.is_spc:
            words.append(f"Variation: {result.variation.value.capitalize()}.")
            if result.assurance:
                words.append(f"Assurance: {result.assurance.value.capitalize()}.")
            if result.rebased_at:
                words.append(f"Rebased {', '.join(map(str, result.rebased_at))}.")
        else:
            words.append(f"Run chart: fewer than {min_points} months of data.")
            if result.rebased_at:
                words.append(f"Rebased {', '.join(map(str, result.rebased_at))}.")
        if self.against:
            words.append(self.against)
        if result.is_spc and result.fix_after:
            segment = " of each segment" if result.rebased_at else ""
            words.append(f"Limits fixed from the first {result.fix_after} months{segment}.")
        if result.is_spc and not result.screen:
            words.append("Moving ranges not screened for outliers.")
        if measure.direction != "neutral":
            words.append(f"{measure.direction.capitalize()} is better.")
        if self.target_text:
            words.append(f"Target: {self.target_text}.")
        if measure.source:
            words.append(f"Source: {measure.source}.")
        return " ".join(words)


@dataclass(frozen=True)
class Analysis:
    """What the templates need beyond the model itself."""

    metrics: pd.DataFrame
    figures: dict[str, str]
    themes: list[Theme]
    status_summary: pd.DataFrame | None
    progress: Progress
    status_chart: Chart | None = None
    metric_charts: list[Chart] = field(default_factory=list)
    workforce: list[WorkforceView] = field(default_factory=list)
    workforce_table: pd.DataFrame | None = None


def metric_charts(frame: pd.DataFrame) -> list[Chart]:
    """A trend chart for every metric reported for more than one period."""

    charts = []
    for _, group in frame.groupby(frame["metric"].str.casefold(), sort=False):
        if len(group) < 2:
            continue
        rated = group["rate"].notna().all()
        # Rates as the table shows them (whole percent), so chart and table agree.
        values = list(group["percent"] / 100 if rated else group["count"])
        target = group["target"].dropna()
        unit = group["unit"].dropna()
        charts.append(trend_chart(
            group["metric"].iloc[0], list(group["period"]), [float(v) for v in values],
            percent=bool(rated), target=float(target.iloc[-1]) if len(target) else None,
            unit=str(unit.iloc[-1]) if len(unit) else None,
            met=group["target_met"].iloc[-1]))
    return charts


def workforce_views(measures: list[WorkforceMeasure], min_points: int = SPC_MIN_POINTS
                    ) -> list[WorkforceView]:
    views = []
    for measure in measures:
        periods = [f"{v.month:%b %Y}" for v in measure.values]
        result = xmr([v.value for v in measure.values], periods,
                     direction=Direction(measure.direction), target=measure.target,
                     rebase_at=[p for p, v in zip(periods, measure.values, strict=True)
                                if v.rebase and p != periods[0]],
                     min_points=min_points, fix_after=measure.fix_after,
                     screen=measure.screen)
        views.append(WorkforceView(
            measure, result,
            spc_chart(measure.name, result, percent=measure.percent, unit=measure.unit),
            None if measure.target is None else target_text(measure.target, measure.percent),
            against_words(result) if result.against_assurance >= 2 else None))
    return views


def workforce_table(measures: list[WorkforceMeasure]) -> pd.DataFrame | None:
    """Every monthly value, months down and measures across: the charts' numbers."""
    if not measures:
        return None
    columns = {}
    for measure in measures:
        columns[measure.name] = pd.Series(
            {v.month: (f"{v.value * 100:.1f}%" if measure.percent else format_count(v.value))
             for v in measure.values})
    table = pd.DataFrame(columns).sort_index()
    table.index = [f"{month:%b %Y}" for month in table.index]
    return table.fillna("–")


def analyse(report: Report, previous: Report | None = None, *,
            charts: bool = True) -> Analysis:
    """Everything computed for the paper; ``previous`` is the last paper's report."""
    if previous is None and report.history:
        previous = previous_from_history(report)
    metrics = metrics_frame(report.metrics)
    summary = status_summary(report.actions) if report.actions else None
    status_chart = None
    if charts and summary is not None:

        status_chart = status_by_theme_chart(summary)
    return Analysis(
        metrics=metrics,
        figures=latest_figures(metrics),
        themes=themes(report.actions),
        status_summary=summary,
        progress=compare(report, previous),
        status_chart=status_chart,
        metric_charts=metric_charts(metrics) if charts and not metrics.empty else [],
        workforce=workforce_views(report.workforce) if charts else [],
        workforce_table=workforce_table(report.workforce),
    )
