"""Corrections of several cells (a column, or chosen cells of one sheet): GIVEN a finalised column
of the small school, WHEN the teacher files one request for the wrong cells, THEN one decision,
one witnessed application and one minute cover every change; one refused cell refuses the whole
request, naming its row; the application is all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.gradebook.corrections.actions import (
    CellChange,
    CorrectionRowsError,
    correction_cancel,
    correction_confirm,
    correction_decide,
    correction_request_cells,
)
from hoso.gradebook.corrections.errors import CorrectionError
from hoso.gradebook.corrections.models import CorrectionItem, CorrectionRequest
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.errors import GradebookError
from hoso.printing import documents as docs
from hoso.printing.tests.pdfcheck import pdf_text
from hoso.testing.factories import make_student

State = CorrectionRequest.State
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
REASON = "Nhập nhầm cả cột điểm giữa kỳ (chép lệch một dòng)."


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def column(world):
    """6A1 math term 1: four students with GK 5, 6, 7, 8, finalised; TX1 open."""
    sheet = load_sheet(world.class_a, world.math, world.term1)
    pupils = [world.student_a] + [
        make_student(world.school, world.class_a, name)
        for name in ("Lê Thị Bích", "Phạm Văn Cường", "Đỗ Thị Dung")
    ]
    for pupil, value in zip(pupils, ("5", "6", "7", "8"), strict=True):
        actions.assessment_save(
            actor=world.actor("subject"),
            sheet=sheet,
            student=pupil,
            column_key="GK",
            raw_value=value,
        )
    actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=["GK"])
    return sheet, pupils


def pdf():
    return SimpleUploadedFile("bang-diem-goc.pdf", PDF, content_type="application/pdf")


def request_cells(world, sheet, changes, files=None):
    return correction_request_cells(
        actor=world.actor("subject"),
        sheet=sheet,
        changes=[CellChange(p, key, value) for p, key, value in changes],
        reason=REASON,
        files=[pdf()] if files is None else files,
    )


def approve_and_apply(world, correction):
    correction = correction_decide(
        actor=world.actor("principal"),
        correction=correction,
        approve=True,
        note="Đồng ý.",
        witness=world.users["vice"],
    )
    correction_confirm(actor=world.actor("vice"), correction=correction)
    return correction_confirm(actor=world.actor("homeroom"), correction=correction)


def gk(pupil) -> str:
    return Assessment.objects.get(student=pupil, column="GK").value


# --- actions ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_request_changes_several_cells_with_one_minute(world, column):
    sheet, pupils = column
    correction = request_cells(
        world, sheet, [(pupils[1], "GK", "6,5"), (pupils[3], "GK", "9"), (pupils[2], "GK", "7.5")]
    )
    items = list(correction.items.order_by("row"))
    assert [(i.row, i.student, i.old_value, i.new_value) for i in items] == [
        (1, pupils[1], "6.0", "6.5"),
        (2, pupils[3], "8.0", "9.0"),
        (3, pupils[2], "7.0", "7.5"),
    ]
    requested = AuditEvent.objects.get(event_type="correction.requested")
    assert [i["row"] for i in requested.after["items"]] == [1, 2, 3]
    assert all(i.is_open for i in items)

    done = approve_and_apply(world, correction)
    assert done.state == State.APPLIED and done.minute_number == "01/BB-SĐ"
    assert [gk(p) for p in pupils] == ["5.0", "6.5", "7.5", "9.0"]
    assert not CorrectionItem.objects.filter(is_open=True).exists()
    # The audit trail: one grade.corrected per cell (before → after, under the teacher's
    # account), one correction.applied listing every row, the results recomputed once.
    corrected = AuditEvent.objects.filter(event_type="grade.corrected").order_by("seq")
    assert [(e.before["value"], e.after["value"], e.after["row"]) for e in corrected] == [
        ("6.0", "6.5", 1),
        ("8.0", "9.0", 2),
        ("7.0", "7.5", 3),
    ]
    assert {e.actor_id for e in corrected} == {world.users["subject"].pk}
    applied = AuditEvent.objects.get(event_type="correction.applied")
    assert [i["row"] for i in applied.after["items"]] == [1, 2, 3]
    results = AuditEvent.objects.filter(event_type="results.corrected")
    assert results.count() == 1
    assert sorted(results.get().after["students"]) == sorted(p.pk for p in pupils[1:])


@pytest.mark.django_db
def test_one_invalid_cell_refuses_the_whole_request_naming_its_row(world, column):
    sheet, pupils = column
    with pytest.raises(CorrectionRowsError) as exc:
        request_cells(world, sheet, [(pupils[0], "GK", "6"), (pupils[1], "GK", "11")])
    assert list(exc.value.rows) == [2]
    assert "dòng 2" in exc.value.message and "không ô nào được ghi" in exc.value.message
    assert not CorrectionRequest.objects.exists() and not CorrectionItem.objects.exists()
    assert not AuditEvent.objects.filter(event_type="correction.requested").exists()


@pytest.mark.django_db
def test_every_cell_is_checked_by_the_single_cell_rules(world, column):
    sheet, pupils = column
    actions.assessment_save(
        actor=world.actor("subject"),
        sheet=sheet,
        student=pupils[0],
        column_key="TX1",
        raw_value="4",
    )
    with pytest.raises(CorrectionRowsError) as exc:
        request_cells(
            world,
            sheet,
            [
                (pupils[0], "GK", "5,5"),
                (pupils[0], "TX1", "5"),  # still open: edited in the grid
                (pupils[1], "GK", "6"),  # the same value
                (pupils[0], "GK", "6"),  # twice in one request
            ],
        )
    rows = exc.value.rows
    assert {n: rows[n].code for n in rows} == {
        2: CorrectionError.NOT_PROTECTED,
        3: CorrectionError.SAME_VALUE,
        4: CorrectionError.DUPLICATE_CELL,
    }
    with pytest.raises(DomainError) as nothing:
        request_cells(world, sheet, [])
    assert nothing.value.code == CorrectionError.NO_CHANGES


@pytest.mark.django_db
def test_a_cell_open_in_another_request_is_refused_until_that_one_ends(world, column):
    sheet, pupils = column
    first = request_cells(world, sheet, [(pupils[0], "GK", "5,5"), (pupils[1], "GK", "6,5")])
    with pytest.raises(CorrectionRowsError) as exc:
        request_cells(world, sheet, [(pupils[2], "GK", "7,5"), (pupils[1], "GK", "7")])
    assert {n: e.code for n, e in exc.value.rows.items()} == {2: CorrectionError.OPEN_EXISTS}
    correction_cancel(actor=world.actor("subject"), correction=first)
    again = request_cells(world, sheet, [(pupils[2], "GK", "7,5"), (pupils[1], "GK", "7")])
    assert again.items.count() == 2


@pytest.mark.django_db
def test_the_application_is_all_or_nothing(world, column):
    sheet, pupils = column
    correction = request_cells(world, sheet, [(pupils[0], "GK", "5,5"), (pupils[1], "GK", "6,5")])
    correction = correction_decide(
        actor=world.actor("principal"),
        correction=correction,
        approve=True,
        note="Đồng ý.",
        witness=world.users["vice"],
    )
    correction_confirm(actor=world.actor("vice"), correction=correction)
    # The second cell moved in between (a former version of the data, written behind the
    # procedure's back): nothing is applied, the refusal names the row.
    Assessment.objects.filter(student=pupils[1], column="GK").update(value="9.0")
    with pytest.raises(DomainError) as exc:
        correction_confirm(actor=world.actor("homeroom"), correction=correction)
    assert exc.value.code == CorrectionError.CELL_CHANGED and "Dòng 2" in exc.value.message
    correction.refresh_from_db()
    assert correction.state == State.APPROVED and correction.minute_number == ""
    assert gk(pupils[0]) == "5.0"
    assert not AuditEvent.objects.filter(event_type="grade.corrected").exists()
    refused = AuditEvent.objects.get(event_type="correction.apply_refused")
    assert refused.after["items"] == [{"row": 2, "current_value": "9.0"}]


@pytest.mark.django_db
def test_a_former_class_cell_in_the_set_is_refused_by_its_row(world, column):
    """A result brought from the former class is protected too (OTHER_CLASS): it can be part of
    a request — and the student's enrolment is still checked per row."""
    sheet, pupils = column
    with pytest.raises(CorrectionRowsError) as exc:
        request_cells(world, sheet, [(pupils[0], "GK", "5,5"), (world.student_b, "GK", "6")])
    assert {n: e.code for n, e in exc.value.rows.items()} == {2: GradebookError.NOT_ENROLLED}


# --- the minute -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_minute_lists_every_change(world, column):
    sheet, pupils = column
    correction = request_cells(world, sheet, [(pupils[1], "GK", "6,5"), (pupils[3], "GK", "9")])
    approve_and_apply(world, correction)
    correction = CorrectionRequest.objects.get(pk=correction.pk)
    data = docs.correction_minute_data(correction=correction)
    assert [(i["row"], i["old"], i["new"]) for i in data["items"]] == [
        (1, "6,0", "6,5"),
        (2, "8,0", "9,0"),
    ]
    text = pdf_text(docs.render_correction_minute(data))  # layout kept: one line per table row
    assert "01/BB-SĐ" in text and "(2 kết quả)" in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for expected in ("1 Lê Thị Bích ĐĐGgk 6,0 6,5", "2 Đỗ Thị Dung ĐĐGgk 8,0 9,0"):
        assert any(expected in line for line in lines), expected


# --- the pages --------------------------------------------------------------------------------


def cells_url(world, **params):
    base = {"class": world.class_a.pk, "subject": world.math.pk, "term": world.term1.pk}
    query = "&".join(f"{k}={v}" for k, v in (base | params).items())
    return f"{reverse('gradebook:correction_new_cells')}?{query}"


@pytest.mark.django_db
def test_the_column_form_keeps_what_was_typed_and_names_the_bad_row(world, column, client):
    sheet, pupils = column
    client.force_login(world.users["subject"])
    page = client.get(cells_url(world, column="GK")).content.decode()
    assert 'value="6,0"' in page and 'value="8,0"' in page  # pre-filled with the book
    names = {p: f"v_{p.pk}_GK" for p in pupils}
    form = {names[p]: v for p, v in zip(pupils, ("5,0", "6,5", "12", "8,0"), strict=True)}
    response = client.post(
        cells_url(world, column="GK"), form | {"reason": REASON, "evidence": [pdf()]}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Dòng 3:" in page and 'value="12"' in page and 'value="6,5"' in page
    assert REASON in page and not CorrectionRequest.objects.exists()
    form[names[pupils[2]]] = "7,5"
    response = client.post(
        cells_url(world, column="GK"), form | {"reason": REASON, "evidence": [pdf()]}
    )
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    # Only the changed cells became items.
    assert [(i.student, i.new_value) for i in correction.cells] == [
        (pupils[1], "6.5"),
        (pupils[2], "7.5"),
    ]
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="items"' in detail and "Phạm Văn Cường" in detail


@pytest.mark.django_db
def test_chosen_cells_and_scope(world, column, client):
    sheet, pupils = column
    client.force_login(world.users["subject"])
    url = cells_url(world, cell=f"{pupils[0].pk}:GK") + f"&cell={pupils[2].pk}:GK"
    page = client.get(url).content.decode()
    assert "Nguyễn Văn An" in page and "Phạm Văn Cường" in page and "Lê Thị Bích" not in page
    # A student of another class, or someone who is not the subject teacher: no form.
    assert client.get(cells_url(world, cell=f"{world.student_b.pk}:GK")).status_code == 404
    client.force_login(world.users["homeroom"])
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_the_grid_offers_a_column_request_for_a_finalised_column(world, column, client):
    client.force_login(world.users["subject"])
    grid = client.get(
        reverse(
            "gradebook:sheet",
            kwargs={
                "class_id": world.class_a.pk,
                "subject_id": world.math.pk,
                "term_id": world.term1.pk,
            },
        )
    ).content.decode()
    assert 'data-testid="fix-GK"' in grid and 'data-testid="fix-TX1"' not in grid
