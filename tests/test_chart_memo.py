"""The preview's chart memory: an unchanged chart is not drawn again, a changed one
is, and what the last build did not ask for is forgotten."""

from __future__ import annotations

from reportgen.analysis.charts import keep_figures, remember_charts, trend_chart

PERIODS = ["May 2018", "Aug 2018", "Oct 2018"]


def rate(values, **options):
    return trend_chart("Response rate", PERIODS, values, percent=True, **options)


def test_the_same_data_gives_the_chart_already_drawn_and_the_same_svg():
    store: dict = {}
    with remember_charts(store):
        first = rate([0.30, 0.32, 0.34], target=0.4)
        again = rate([0.30, 0.32, 0.34], target=0.4)
    assert again is first and len(store) == 1
    assert rate([0.30, 0.32, 0.34], target=0.4).svg == first.svg  # drawn afresh, outside


def test_changed_data_or_options_are_drawn_again():
    store: dict = {}
    with remember_charts(store):
        first = rate([0.30, 0.32, 0.34], target=0.4)
        other = rate([0.30, 0.32, 0.35], target=0.4)
        target = rate([0.30, 0.32, 0.34], target=0.5)
    assert len({id(first), id(other), id(target)}) == 3
    assert "35%" in other.alt and "35%" not in first.alt


def test_charts_the_last_build_did_not_ask_for_are_forgotten():
    store: dict = {}
    with remember_charts(store):
        rate([0.30, 0.32, 0.34])
        rate([0.1, 0.2, 0.3])
    with remember_charts(store):
        kept = rate([0.30, 0.32, 0.34])
    assert list(store.values()) == [kept]


def test_a_chart_remembered_without_its_figure_is_drawn_again_for_word():
    store: dict = {}
    with remember_charts(store):
        plain = rate([0.30, 0.32, 0.34])
        with keep_figures():
            for_word = rate([0.30, 0.32, 0.34])
    assert plain.figure is None and for_word.figure is not None
