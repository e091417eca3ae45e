"""How numbers read in a paper: whole percentages rounded as people expect, counts with
thousands separators. Kept apart from pandas so templates can use them cheaply."""

from __future__ import annotations


def percent(numerator: float, denominator: float) -> int:
    """Whole percent, halves rounded up (34.5% -> 35%), as people expect in papers."""
    return int(numerator * 100 / denominator + 0.5)


def format_count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def decimals_needed(values, *, scale: float = 1, most: int = 2) -> int:
    """The fewest decimals (up to ``most``) that print every value exactly, on ``scale``
    (100 for percentages held as fractions): [0.043, 0.0465] -> 2 at scale 100."""
    for places in range(most + 1):
        if all(abs(round(v * scale, places) - v * scale) < 1e-9 for v in values):
            return places
    return most


def measure_number(value: float, *, percent: bool, decimals: int | None = None) -> str:
    """A measure's value as a paper prints it: "3.8%" for 0.038 as a percentage,
    "12" or "2.5" for a count; with ``decimals`` None, as few as show it exactly (up to
    2). Halves are rounded up. The text and the chart's labels both use this, so the
    target reads the same in both."""
    from decimal import ROUND_HALF_UP, Decimal  # here: only labels need exact rounding

    scale = 100 if percent else 1
    places = decimals_needed([value], scale=scale) if decimals is None else decimals
    exact = Decimal(repr(float(value))) * scale
    text = f"{exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,}"
    return text + ("%" if percent else "")
