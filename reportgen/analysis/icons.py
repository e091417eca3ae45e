"""Making Data Count variation and assurance icons, as small self-contained SVGs.

Drawn in the spirit of NHS England's icons (not copies of them): a coloured disc
with a mark inside. Colour is never the only signal: the mark differs too (H/L for
high/low, P/F/? for pass/fail/hit-and-miss), and every icon has alt text in words.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from reportgen.analysis.spc import Assurance, Variation

# NHS Dark Grey (not Mid Grey #768692, 3.75:1 under white): white marks reach 7.75:1.
GREY, BLUE, ORANGE, PURPLE = "#425563", "#005EB8", "#ED8B00", "#7C2855"

_VARIATION = {
    Variation.COMMON_CAUSE: (GREY, "~"),
    Variation.IMPROVEMENT_HIGH: (BLUE, "H"),
    Variation.IMPROVEMENT_LOW: (BLUE, "L"),
    Variation.CONCERN_HIGH: (ORANGE, "H"),
    Variation.CONCERN_LOW: (ORANGE, "L"),
    Variation.NEUTRAL_HIGH: (PURPLE, "H"),
    Variation.NEUTRAL_LOW: (PURPLE, "L"),
}
_ASSURANCE = {
    Assurance.PASS: (BLUE, "P"),
    Assurance.FAIL: (ORANGE, "F"),
    Assurance.HIT_AND_MISS: (GREY, "?"),
}


@dataclass(frozen=True)
class Icon:
    alt: str
    data_uri: str


def _disc(colour: str, mark: str, title: str) -> str:
    # Orange needs dark text for 4.5:1 contrast; the other discs take white.
    ink = "#231F20" if colour == ORANGE else "#FFFFFF"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">'
        f"<title>{title}</title>"
        f'<circle cx="16" cy="16" r="15" fill="{colour}" stroke="#231F20" stroke-width="0.8"/>'
        f'<text x="16" y="21.5" text-anchor="middle" font-family="Arial, Liberation Sans, '
        f'sans-serif" font-size="16" font-weight="bold" fill="{ink}">{mark}</text></svg>'
    )


def _icon(colour: str, mark: str, alt: str) -> Icon:
    svg = _disc(colour, mark, alt)
    return Icon(alt, "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode())


def variation_icon(variation: Variation) -> Icon:
    colour, mark = _VARIATION[variation]
    return _icon(colour, mark, f"Variation: {variation.value}")


def assurance_icon(assurance: Assurance) -> Icon:
    colour, mark = _ASSURANCE[assurance]
    return _icon(colour, mark, f"Assurance: {assurance.value}")
