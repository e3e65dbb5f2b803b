"""GIVEN the strict Content-Security-Policy (core/security.py: no inline style or script at all)
WHEN any HTML template under hoso/ is read THEN it has no ``style=`` attribute, no <style> element
and no ``on…=`` handler attribute, which the browser would refuse to apply or run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import hoso

ROOT = Path(hoso.__file__).parent

# Django comments may mention what they forbid ("no injected <style>"): they never reach a page.
COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.DOTALL)
OFFENCES = {
    "style= attribute": re.compile(r"""[\s"'}]style\s*=""", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>/]", re.IGNORECASE),
    "on…= handler": re.compile(r"""[\s"'}]on[a-z]+\s*=""", re.IGNORECASE),
}


def offences(text: str) -> list[str]:
    """What in ``text`` the policy would refuse, one entry per kind and line."""
    text = COMMENTS.sub(lambda m: "\n" * m.group().count("\n"), text)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, pattern in OFFENCES.items():
            if pattern.search(line):
                found.append(f"{number}: {kind}: {line.strip()[:120]}")
    return found


def templates() -> list[Path]:
    return sorted(p for p in ROOT.rglob("templates/**/*.html") if p.is_file())


@pytest.mark.parametrize(
    "text",
    [
        '<section class="card" style="margin-top:.8rem">',
        "<td{% if bad %} style='background:red'{% endif %}>",
        '<span STYLE = "display:block">',
        "<style>.x{color:red}</style>",
        "<style media=print>",
        '<select onchange="this.form.submit()">',
        "<body onload='go()'>",
        '<a href="#"{% if x %} onclick="f()"{% endif %}>',
    ],
)
def test_the_scan_finds_inline_styles_and_handlers(text):
    assert offences(text), text


@pytest.mark.parametrize(
    "text",
    [
        '<section class="card page-section">',
        '<select name="ky" data-autosubmit data-on-change="x">',
        '<progress class="progress" max="100" value="40"></progress>',
        "{# No eval and no injected <style> under the CSP #}",
        '{% comment %}\n<p style="x">old</p>\n{% endcomment %}',
        "<p>Lưu cách ghép này với tên (để trống nếu không lưu)</p>",
        '<link rel="stylesheet" href="{% static \'hoso/app.css\' %}">',
    ],
)
def test_the_scan_passes_clean_markup(text):
    assert offences(text) == [], text


def test_no_template_has_inline_styles_or_handlers():
    found = templates()
    assert len(found) > 100  # the scan does see the templates
    bad = {
        str(p.relative_to(ROOT)): hits for p in found if (hits := offences(p.read_text("utf-8")))
    }
    assert bad == {}
