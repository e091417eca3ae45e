"""Render the model and its analysis as the paper's HTML (for WeasyPrint, or the twin)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from reportgen.analysis.appended import AppendedDocument
from reportgen.analysis.figures import Analysis, metrics_note
from reportgen.analysis.icons import assurance_icon, variation_icon
from reportgen.analysis.placing import paragraph_pieces
from reportgen.errors import TemplateError
from reportgen.render.cover import cover_rows
from reportgen.render.environment import make_environment
from reportgen.render.markup import render_markup
from reportgen.render.parts import (
    LONG_TRACKER_ROWS,
    PART_ROWS,
    is_long_tracker,
    tracker_layout,
    tracker_part_starts,
)
from reportgen.render.theme import load_theme, logo_data_uri
from reportgen.workbook.model import Report
from reportgen.workbook.schema import PURPOSE_WORDS, SPC_MIN_POINTS


def render_paper(
    report: Report,
    analysis: Analysis,
    *,
    user_dir: Path | None = None,
    appended: list[AppendedDocument] | None = None,
    appended_margins_mm: tuple[float, float, float, float] = (0, 0, 0, 0),
    web: bool = False,
    pack: bool = False,
) -> str:
    """HTML of the whole paper: for WeasyPrint, or with ``web`` the self-contained,
    accessible HTML twin for publishing on a website."""
    env = make_environment(user_dir)
    figures = analysis.figures

    def markup(text: str, number: str | None = None) -> Markup:
        return render_markup(text, figures, number)

    tracker_widths, action_pieces, whole_actions = tracker_layout(analysis.themes)
    try:
        template = env.get_template("paper.html")
        theme = load_theme(user_dir)
        return template.render(
            report=report,
            paper=report.paper,
            analysis=analysis,
            theme=theme,
            logo_src=logo_data_uri(theme, user_dir),
            web=web,
            pack=pack,
            appended=appended or [],
            appended_margins_mm=appended_margins_mm,
            markup=markup,
            cover_rows=cover_rows(report.paper, theme.cover),
            paragraph_pieces=lambda paragraph: paragraph_pieces(report, paragraph),
            purpose_words=PURPOSE_WORDS,
            spc_min_points=SPC_MIN_POINTS,
            long_tracker=is_long_tracker(analysis.themes),
            part_starts=tracker_part_starts(analysis.themes),
            tracker_widths=tracker_widths,  # mm per column, following the content
            action_pieces=action_pieces,  # action ID -> its milestones, a page's worth each
            whole_actions=whole_actions,  # IDs of the actions whose pieces fit a page
            # For actions.html overrides written before long_tracker and part_starts.
            long_tracker_rows=LONG_TRACKER_ROWS,
            part_rows=PART_ROWS,
            variation_icon=variation_icon,
            metrics_note=metrics_note,
            assurance_icon=assurance_icon,
        )
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename}:{exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template error: {exc}") from exc
