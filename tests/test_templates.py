"""Organisations restyle papers from their own template folder, safely."""

from __future__ import annotations

import pikepdf
from conftest import run_cli
from pdftext import all_text, chars
from workbooks import paper_workbook


def style_folder(tmp_path, name: str = "style", **files: str):
    """A user template folder holding ``files`` (name -> text)."""
    folder = tmp_path / name
    folder.mkdir()
    for filename, text in files.items():
        (folder / filename.replace("_", ".", 1)).write_text(text, encoding="utf-8")
    return folder


def test_user_template_extends_a_builtin_and_changes_one_block(tmp_path):
    style = tmp_path / "style"
    style.mkdir()
    (style / "paper.html").write_text(
        '{% extends "default:paper.html" %}'
        '{% block signoff %}<p class="custom">Signed off by {{ paper.author }}</p>'
        "{% endblock %}",
        encoding="utf-8",
    )
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    result = run_cli("build", workbook, "-o", tmp_path / "out", "--templates", style)
    assert result.exit_code == 0, result.output
    text = all_text(tmp_path / "out" / "test-framework-update-2018-2019.pdf")
    assert "Signed off by Ann Author" in text
    assert "Author's name and Title" not in text
    assert "Monitoring and Assurance Summary" in text  # the rest is the built-in paper


def test_theme_colours_and_logo_from_the_template_folder(tmp_path):
    style = tmp_path / "style"
    style.mkdir()
    # A 1x1 PNG logo (a valid one: a damaged image is refused).
    from PIL import Image

    Image.new("RGBA", (1, 1), (0, 94, 184, 255)).save(style / "logo.png")
    (style / "theme.yaml").write_text(
        "primary_colour: '#7C2855'\nlogo: logo.png\nlogo_alt: Test Trust logo\n")
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    result = run_cli("build", workbook, "-o", tmp_path / "out", "--templates", style)
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / "test-framework-update-2018-2019.pdf"
    title_chars = [c for c in chars(pdf, 0) if c["text"] == "T" and c["size"] > 15]
    assert title_chars
    colour = tuple(round(v, 2) for v in title_chars[0]["non_stroking_color"])
    assert colour == (round(0x7C / 255, 2), round(0x28 / 255, 2), round(0x55 / 255, 2))
    with pikepdf.open(pdf) as doc:
        images = doc.pages[0].get_images()
        assert images, "the logo is drawn on the cover"


def test_bad_theme_value_is_a_clean_error(tmp_path):
    style = style_folder(tmp_path, theme_yaml="primary_colour: 'red; background: url(x)'\n")
    result = run_cli("build", paper_workbook(tmp_path / "p.xlsx"), "-o", tmp_path / "out",
                     "--templates", style)
    assert result.exit_code == 1
    assert "primary_colour must be a colour like #005EB8" in result.output
    assert not (tmp_path / "out").exists()


def test_template_asking_for_local_files_or_the_web_is_refused(tmp_path):
    workbook = paper_workbook(tmp_path / "paper.xlsx")
    for reference in ["file:///etc/passwd", "http://example.invalid/logo.png",
                      "../../../../etc/passwd"]:
        style = style_folder(
            tmp_path, f"style{abs(hash(reference))}",
            paper_html='{% extends "default:paper.html" %}'
            f'{{% block signoff %}}<img src="{reference}" alt="x">{{% endblock %}}')
        out = tmp_path / "out"
        result = run_cli("build", workbook, "-o", out, "--templates", style)
        assert result.exit_code == 1, reference
        assert "Template resource refused" in result.output
        assert "Traceback" not in result.output
        assert not out.exists() or not any(out.iterdir())


def test_template_syntax_error_names_the_file(tmp_path):
    style = style_folder(tmp_path, paper_html="{% block x %}")
    result = run_cli("build", paper_workbook(tmp_path / "p.xlsx"), "-o", tmp_path / "out",
                     "--templates", style)
    assert result.exit_code == 1
    assert "paper.html:1" in result.output
