"""Every import refuses hostile spreadsheets at its upload, before they cost time or memory.

GIVEN the small school, each registered kind of import and the person who may import it, WHEN
that person uploads a 300 KB .xlsx whose one cell inflates to 300 MB (the probe that grew the
server to 8.4 GB), a 5 KB sheet with a value in its last cell, or an .xls whose last cell is
IV65536, THEN the upload page answers 400 with a Vietnamese message in well under 2 s, memory stays
bounded, and no batch is left behind. A new kind of import must be added to ``UPLOADERS``."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoso.imports import registry
from hoso.imports.models import ImportBatch
from hoso.imports.tests import files

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# kind → (who imports it in the small school, the start page's arguments)
UPLOADERS = {
    "staff": ("admin", lambda w: {}),
    "assignments": ("vice", lambda w: {"year_id": w.year.pk}),
    "students": ("homeroom", lambda w: {"class_id": w.class_a.pk}),
    "grades": (
        "subject",
        lambda w: {"class_id": w.class_a.pk, "subject_id": w.math.pk, "term_id": w.term1.pk},
    ),
}


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return files.zip_bomb(300)


HOSTILE = {
    # a 300 KB .xlsx whose one cell inflates to 300 MB
    "bomb": lambda bomb: (bomb, "bom.xlsx", ["300 MB", "tối đa 50 MB"]),
    # a 5 KB sheet with a value in its last cell (calamine would ask for 17 billion cells)
    "far": lambda bomb: (
        files.xlsx_with_sheet(
            b'<row r="1"><c r="A1"><v>1</v></c></row>'
            b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
        ),
        "xa.xlsx",
        ["cột XFD", "tối đa 200 cột"],
    ),
    # a 6 KB .xls with a value in IV65536 (a gigabyte and five seconds before)
    "xls": lambda bomb: (
        files.xls(files.biff_workbook([(0, 0, 1.0), (65535, 255, 2.0)])),
        "xa.xls",
        ["cột IV", "tối đa 200 cột"],
    ),
}


def test_every_kind_of_import_is_covered():
    assert set(UPLOADERS) == set(registry.kinds())


@pytest.mark.parametrize("kind", sorted(UPLOADERS))
@pytest.mark.parametrize("hostile", sorted(HOSTILE))
def test_a_hostile_spreadsheet_is_refused_at_every_upload(client, world, bomb, kind, hostile):
    data, name, words = HOSTILE[hostile](bomb)
    who, scope = UPLOADERS[kind]
    importer = registry.importer_for(kind)
    url = reverse(importer.url_prefix + "upload", kwargs=scope(world))
    client.force_login(world.users[who])
    before = ImportBatch.objects.count()

    tracemalloc.start()
    started = time.perf_counter()
    response = client.post(url, {"file": SimpleUploadedFile(name, data, content_type=XLSX)})
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert response.status_code == 400, (kind, hostile, response.status_code)
    page = response.content.decode()
    for word in words:
        assert word in page, (kind, hostile, word)
    assert elapsed < 2.0, (kind, hostile, elapsed)
    # The upload itself is held once or twice in memory (it is small); nothing is inflated.
    assert peak < 8 * MB + 3 * len(data), (kind, hostile, peak)
    assert ImportBatch.objects.count() == before
