"""How numbers read in a paper: whole percentages rounded as people expect, counts with
thousands separators. Kept apart from pandas so templates can use them cheaply."""

from __future__ import annotations


def percent(numerator: float, denominator: float) -> int:
    """Whole percent, halves rounded up (34.5% -> 35%), as people expect in papers."""
    return int(numerator * 100 / denominator + 0.5)


def format_count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
