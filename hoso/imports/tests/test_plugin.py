"""The plug-in contract, shown with a kind that exists only here: an address list for one class
(student code → address), written through ``students.actions.student_update``. It is one small
``Importer`` subclass and three URL lines — the pages, the batch, the background commit, cancel and
retry are the machinery's. Not a product feature.

GIVEN the small school (6A1 has Nguyễn Văn An, and Lê Thị Cúc added here).
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import include, path, reverse
from openpyxl import load_workbook

from hoso.accounts.actor import Actor
from hoso.audit.actions import audit_record
from hoso.audit.models import AuditEvent
from hoso.imports.headers import FieldSpec
from hoso.imports.importer import Evaluation, Importer, Report, Words
from hoso.imports.models import ImportBatch
from hoso.imports.registry import register, unregister
from hoso.imports.tests.files import xlsx
from hoso.imports.urls import import_patterns
from hoso.organisation.models import SchoolClass
from hoso.organisation.policies import access_class, can_edit_class_students
from hoso.students.actions import student_update
from hoso.students.models import Student
from hoso.testing.factories import make_student

# --- The whole kind --------------------------------------------------------------------------------


class AddressListImporter(Importer):
    kind = "test_addresses"
    words = Words(batch="Danh sách địa chỉ", thing="địa chỉ", content="địa chỉ", failed="dòng")
    url_prefix = "test_imports:addresses_"
    no_rows_message = "Tệp không có dòng địa chỉ nào."

    def access_target(self, actor: Actor, scope: dict) -> SchoolClass:
        return access_class(actor, scope["class_id"])

    def scope_of(self, target: SchoolClass) -> dict:
        return {"class_id": target.pk}

    def target_of(self, scope: dict, school_id: int) -> SchoolClass:
        return SchoolClass.objects.select_related("year").get(
            pk=scope["class_id"], year__school_id=school_id
        )

    def may_import(self, actor: Actor, target: SchoolClass) -> bool:
        return can_edit_class_students(actor, target)

    def title(self, target: SchoolClass) -> str:
        return f"Nhập địa chỉ học sinh lớp {target.name}"

    def back_link(self, target: SchoolClass) -> tuple[str, str]:
        return "Về trang lớp", reverse("organisation:class_detail", args=[target.pk])

    def field_specs(self, target) -> list[FieldSpec]:
        return [
            FieldSpec("student_code", "Mã học sinh", ("ma hs",)),
            FieldSpec("address", "Địa chỉ", ("noi o",), max_length=300),
        ]

    def missing_fields(self, mapped: set[str], target) -> list[str]:
        return [
            f"Chưa có cột “{f.label}”." for f in self.field_specs(target) if f.name not in mapped
        ]

    def template_file(self, actor: Actor, target: SchoolClass) -> tuple[bytes, str]:
        return xlsx([["Mã học sinh", "Địa chỉ"]]), f"dia-chi-{target.pk}.xlsx"

    def parse_row(self, number: int, values: dict, report: Report, target) -> dict | None:
        code = str(values.get("student_code", "")).strip()
        address = str(values.get("address", "")).strip()
        if not code:
            report.error(number, "student_code", "Mã học sinh không được để trống.")
        if len(address) > 300:
            report.error(number, "address", f"Quá dài: tối đa 300 ký tự (đang có {len(address)}).")
        return {"row": number, "code": code, "address": address, "display": values}

    def check_rows(self, rows: list[dict], report: Report, target: SchoolClass) -> None:
        known = set(
            Student.objects.filter(enrolments__school_class=target).values_list(
                "student_code", flat=True
            )
        )
        for row in rows:
            if row["code"] and row["code"] not in known:
                report.error(row["row"], "student_code", f"Không có học sinh mã “{row['code']}”.")

    def commit(self, *, actor: Actor, batch, target, evaluation: Evaluation) -> dict:
        students = Student.objects.filter(enrolments__school_class=target)
        by_code = {s.student_code: s for s in students}
        for row in evaluation.rows:
            student_update(
                actor=actor, student=by_code[row["code"]], changes={"address": row["address"]}
            )
        audit_record(
            event_type="student.addresses_imported",
            actor=actor.user,
            school_id=batch.school_id,
            target=target,
            after={"count": len(evaluation.rows), "batch_id": batch.pk},
        )
        return {"count": len(evaluation.rows)}

    def done_text(self, batch, target) -> str:
        return f"Đã ghi {batch.result['count']} địa chỉ của lớp {target.name}."

    def done_link(self, batch, target) -> tuple[str, str]:
        return self.back_link(target)


ADDRESSES = AddressListImporter()
urlpatterns = [
    path("", include("hoso.urls")),
    path(
        "thu-nghiem/",
        include(
            (
                import_patterns(
                    ADDRESSES, start="lop/<int:class_id>/dia-chi/", batch="dia-chi/<int:batch_id>/"
                ),
                "test_imports",
            )
        ),
    ),
]

# --- Tests --------------------------------------------------------------------------------------

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def plugged(world):
    register(ADDRESSES)
    world.cuc = make_student(
        world.school, world.class_a, "Lê Thị Cúc", code="HS003", birth=date(2015, 6, 1)
    )
    world.student_a.student_code = "HS001"
    world.student_a.save()
    yield world
    unregister(ADDRESSES.kind)


def page(name: str, **kwargs) -> str:
    return reverse(f"test_imports:addresses_{name}", kwargs=kwargs)


def send(client, w, rows: list[list]):
    data = xlsx([["Mã HS", "Nơi ở"], *rows])
    return client.post(
        page("upload", class_id=w.class_a.pk),
        {"file": SimpleUploadedFile("dia-chi.xlsx", data, content_type=XLSX)},
    )


def test_a_new_kind_runs_the_whole_way_with_the_machinerys_pages(
    client, plugged, django_capture_on_commit_callbacks
):
    w = plugged
    client.force_login(w.users["homeroom"])
    # GIVEN the start page and its template
    start = client.get(page("start", class_id=w.class_a.pk))
    assert start.status_code == 200
    assert "Nhập địa chỉ học sinh lớp 6A1" in start.content.decode()
    template = client.get(page("template", class_id=w.class_a.pk))
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]] == ["Mã học sinh", "Địa chỉ"]

    # WHEN a file with an unknown code is sent, THEN the preview names the row and column
    response = send(client, w, [["HS001", "Số 1 Lạch Tray"], ["HS999", "Số 9"]])
    batch = ImportBatch.objects.get(kind="test_addresses")
    assert response["Location"] == page("batch", batch_id=batch.pk)
    assert batch.state == ImportBatch.State.PREVIEW and batch.result["how"] == "recognised"
    assert batch.errors == [
        {
            "row": 3,
            "column": "A (Mã HS)",
            "field": "student_code",
            "message": "Không có học sinh mã “HS999”.",
        }
    ]
    preview = client.get(page("batch", batch_id=batch.pk)).content.decode()
    assert "chưa ghi dòng nào" in preview and page("commit", batch_id=batch.pk) not in preview

    # WHEN the corrected file is sent and committed
    send(client, w, [["HS001", "Số 1 Lạch Tray"], ["HS003", "Số 3 Cầu Đất"]])
    batch = ImportBatch.objects.filter(kind="test_addresses").first()
    assert batch.errors == [] and batch.state == ImportBatch.State.PREVIEW
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page("commit", batch_id=batch.pk))
    batch.refresh_from_db()
    # THEN every row went through the domain's action, audited, and one summary event
    assert batch.state == ImportBatch.State.COMMITTED and batch.result["count"] == 2
    assert Student.objects.get(student_code="HS003").address == "Số 3 Cầu Đất"
    assert AuditEvent.objects.filter(event_type="student.updated").count() == 2
    assert AuditEvent.objects.get(event_type="student.addresses_imported").after["count"] == 2
    status = client.get(page("batch", batch_id=batch.pk), HTTP_HX_REQUEST="true")
    assert "Đã ghi 2 địa chỉ của lớp 6A1." in status.content.decode()


def test_a_failed_commit_is_checked_again_and_written_without_a_new_upload(
    client, plugged, django_capture_on_commit_callbacks
):
    w = plugged
    client.force_login(w.users["homeroom"])
    send(client, w, [["HS001", "Số 1"], ["HS003", "Số 3"]])
    batch = ImportBatch.objects.get(kind="test_addresses")
    # GIVEN a code changed by hand between the preview and the commit
    Student.objects.filter(pk=w.cuc.pk).update(student_code="HS033")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page("commit", batch_id=batch.pk))
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "A (Mã HS)")]
    assert Student.objects.get(pk=w.student_a.pk).address == ""  # nothing written
    failed = client.get(page("batch", batch_id=batch.pk)).content.decode()
    assert "chưa dòng nào được ghi" in failed and page("retry", batch_id=batch.pk) in failed
    # WHEN the code is put back and the batch checked again
    Student.objects.filter(pk=w.cuc.pk).update(student_code="HS003")
    client.post(page("retry", batch_id=batch.pk))
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW and batch.errors == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page("commit", batch_id=batch.pk))
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.COMMITTED
    assert Student.objects.get(pk=w.cuc.pk).address == "Số 3"


def test_a_batch_of_another_kind_is_not_found_under_these_urls(client, plugged):
    w = plugged
    client.force_login(w.users["homeroom"])
    other = ImportBatch.objects.create(
        kind="students",
        school=w.school,
        scope={"class_id": w.class_a.pk},
        uploaded_by=w.users["homeroom"],
        filename="lop.xlsx",
        state="preview",
    )
    assert client.get(page("batch", batch_id=other.pk)).status_code == 404
    assert client.post(page("cancel", batch_id=other.pk)).status_code == 404


def test_the_plug_in_module_stays_small():
    """The contract's promise: a kind is one module of about a hundred lines."""
    import inspect

    lines = inspect.getsource(AddressListImporter).count("\n")
    assert lines < 120


def test_a_commit_whose_target_is_gone_fails_and_writes_nothing(client, plugged):
    from hoso.imports.tasks import commit_import

    w = plugged
    client.force_login(w.users["homeroom"])
    send(client, w, [["HS001", "Số 1"]])
    batch = ImportBatch.objects.get(kind="test_addresses")
    ImportBatch.objects.filter(pk=batch.pk).update(state="queued", scope={"class_id": 0})
    commit_import.enqueue(batch.pk)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED
    assert batch.errors[0]["message"] == "Nơi nhập dữ liệu không còn tồn tại; chưa ghi gì."
    assert Student.objects.get(pk=w.student_a.pk).address == ""
