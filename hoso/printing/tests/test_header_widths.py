"""GIVEN a subject's grade sheet (portrait, every assessment column) WHEN it is rendered THEN each
column heading lies inside its own column: "ĐTBmhk" no longer runs over the cell's border."""

from __future__ import annotations

import re
import subprocess
import tempfile

from hoso.printing import documents as docs
from hoso.printing.render import MARGIN_RIGHT, PAGE_WIDTH
from hoso.printing.tests.helpers import graded_class


def _words(pdf: bytes) -> list[tuple[str, float, float, float, float]]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        html = subprocess.run(
            ["pdftotext", "-bbox", "-f", "1", "-l", "1", "-enc", "UTF-8", f.name, "-"],
            check=True,
            capture_output=True,
        ).stdout.decode()
    pattern = (
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    return [
        (w, float(x1), float(y1), float(x2), float(y2))
        for x1, y1, x2, y2, w in re.findall(pattern, html)
    ]


def test_the_term_average_heading_fits_its_column(world):
    graded_class(world)
    data = docs.gradebook_sheet_data(
        school_class=world.class_a, subject=world.math, term=world.term1
    )
    labels = [c["label"] for c in data["sections"][0]["columns"]]
    assert labels[-1] == "ĐTBmhk"
    words = _words(docs.render_gradebook_sheet(data))
    head = next(w for w in words if w[0] == "ĐTBmhk")
    # the cells of the first student's row: one number per score column, centred in it
    row = sorted(
        (w for w in words if re.fullmatch(r"\d+,\d", w[0]) and w[2] > head[4]),
        key=lambda w: (round(w[2]), w[1]),
    )
    first_row = [w for w in row if abs(w[2] - row[0][2]) < 2]
    centres = [(w[1] + w[3]) / 2 for w in first_row]
    assert len(centres) >= 3
    pitch = centres[-1] - centres[-2]
    left_border = centres[-1] - pitch / 2
    right_border = PAGE_WIDTH - MARGIN_RIGHT
    assert head[1] >= left_border and head[3] <= right_border, (head, left_border, right_border)
