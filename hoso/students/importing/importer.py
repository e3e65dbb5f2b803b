"""The class-list import (nhập danh sách lớp từ Excel), plugged into ``hoso.imports``.

Adds NEW students to one class: each row becomes a student, its guardians, an enrolment from
the chosen start date and a register number, through ``students.actions.student_enrol`` (one
``student.enrolled`` event each), then one ``student.imported`` summary. A row whose student code
or personal ID already belongs to a student of the school is an error: existing students are
changed through their profile, never by import. All or nothing, as every import.

Who: the class's homeroom teacher, the clerk, a vice principal (``can_import_class``); the
commit also needs the right to add students to the class (an administrator may upload but not
write).
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, require
from hoso.audit.actions import audit_record
from hoso.core.errors import DomainError
from hoso.core.text import fold, nfc
from hoso.imports.errors import ImportErrorCode
from hoso.imports.headers import FieldSpec
from hoso.imports.importer import Evaluation, Importer, Report, RowsRejected, Words, batch_error
from hoso.imports.limits import Limits
from hoso.organisation.models import Level, SchoolClass
from hoso.organisation.policies import access_class, can_edit_class_students, can_import_class
from hoso.students.actions import GuardianInput, student_enrol
from hoso.students.errors import StudentError
from hoso.students.importing import rows as class_rows
from hoso.students.importing.template import build_template
from hoso.students.models import Student

_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DATE_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_form_date(text: str) -> date | None:
    """'2026-09-05' (a date input) or '05/09/2026'; None when empty; ValueError when wrong."""
    text = nfc(text)
    if not text:
        return None
    if m := _DATE_ISO.fullmatch(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _DATE_DMY.fullmatch(text):
        d, mo, y = (int(g) for g in m.groups())
    else:
        raise ValueError(text)
    return date(y, mo, d)


def grade_context(school_class: SchoolClass) -> class_rows.GradeContext:
    year = school_class.year
    return class_rows.GradeContext(
        year_start=year.start_date.year,
        grade=school_class.grade.number,
        year_name=year.name,
        adults_allowed=school_class.grade.level == Level.CONTINUING,
    )


class ClassListImporter(Importer):
    kind = "students"
    words = Words(
        batch="Danh sách",
        unit="dòng",
        thing="học sinh",
        content="danh sách",
        failed="học sinh",
        log="lần nhập danh sách",
    )
    url_prefix = "students:import_"
    page_template = "students/import_page.html"
    limits = Limits(row_noun="học sinh")
    error_codes = False  # the class list's errors never carried codes
    invalid_target = "Trường không hợp lệ ở cột {column}."
    repeated_target = "Trường “{field}” được ghép với nhiều cột: {columns}."
    no_rows_message = "Tệp không có dòng học sinh nào."

    # --- Who and where

    def access_target(self, actor: Actor, scope: dict) -> SchoolClass:
        return access_class(actor, scope["class_id"])

    def scope_of(self, target: SchoolClass) -> dict:
        return {"class_id": target.pk}

    def target_of(self, scope: dict, school_id: int) -> SchoolClass:
        return SchoolClass.objects.select_related("grade", "year").get(
            pk=scope["class_id"], year__school_id=school_id
        )

    def may_import(self, actor: Actor, target: SchoolClass) -> bool:
        return can_import_class(actor, target)

    def require_import(self, actor: Actor, target: SchoolClass) -> None:
        """403 unless the actor may import into this class (homeroom teacher, clerk, ...)."""
        if not can_import_class(actor, target):
            require(actor, Perm.IMPORT_STUDENTS, what=f"nhập danh sách {target}")
            raise PermissionDenied("Năm học đã khóa hoặc lớp không thuộc năm học đang chọn.")

    def check_commit(self, actor: Actor, batch, target: SchoolClass) -> None:
        if not can_edit_class_students(actor, target):
            # IMPORT_STUDENTS without EDIT_STUDENTS (e.g. an administrator): student_enrol would
            # refuse every row, so say it now rather than fail in the background.
            raise DomainError(
                ImportErrorCode.IMPORT_HAS_ERRORS,
                "Bạn được tải tệp lên nhưng không được thêm học sinh vào lớp này; "
                "hãy nhờ giáo viên chủ nhiệm hoặc văn thư bấm ghi.",
            )

    def commit_refusal(self, actor: Actor, target: SchoolClass) -> dict | None:
        if can_import_class(actor, target):
            return None
        return batch_error("Người ra lệnh ghi không còn quyền nhập danh sách lớp này.")

    # --- Pages

    def title(self, target: SchoolClass) -> str:
        return f"Nhập danh sách lớp {target.name} từ Excel"

    def back_link(self, target: SchoolClass) -> tuple[str, str]:
        return "Về trang lớp", reverse("organisation:class_detail", args=[target.pk])

    def initial_form(self, target: SchoolClass) -> dict:
        return {"start_date": target.year.start_date.isoformat()}

    def default_options(self, target: SchoolClass) -> dict:
        return {"start_date": None}

    def read_options(self, data, target: SchoolClass, *, step: str) -> dict:
        if step != "upload":
            return {}
        try:
            return {"start_date": parse_form_date(data.get("start_date", ""))}
        except ValueError:
            raise DomainError(
                ImportErrorCode.BAD_OPTION,
                "Ngày nhập học không hợp lệ (ví dụ 05/09/2026).",
                field="start_date",
            )

    def clean_options(self, target: SchoolClass, options: dict) -> dict:
        if "start_date" not in options:
            return {}
        year = target.year
        start = options["start_date"] or year.start_date
        if not year.start_date <= start <= year.end_date:
            raise DomainError(
                StudentError.BAD_DATE,
                f"Ngày nhập học phải trong năm học {year.name} "
                f"({year.start_date:%d/%m/%Y} – {year.end_date:%d/%m/%Y}).",
                field="start_date",
            )
        return {"start_date": start.isoformat()}

    def preview_fields(self, batch, target) -> list[FieldSpec]:
        mapped = set(batch.column_mapping().values())
        split = {"family_name", "given_name"} <= mapped
        hidden = {"sequence"} | (
            {"full_name"} if split else {"family_name", "middle_name", "given_name"}
        )
        return [f for f in class_rows.FIELDS if f.name in mapped and f.name not in hidden]

    def commit_label(self, batch, target: SchoolClass) -> str:
        ok = sum(1 for r in batch.rows if r.get("ok", True))
        return f"Ghi {ok} học sinh vào lớp {target.name}"

    def progress_text(self, batch, target: SchoolClass) -> str:
        return f"Đang ghi danh sách vào lớp {target.name}…"

    def done_text(self, batch, target: SchoolClass) -> str:
        return (
            f"Đã ghi {batch.result.get('count', 0)} học sinh vào lớp {target.name}, "
            "mỗi học sinh có số đăng bộ."
        )

    def done_link(self, batch, target: SchoolClass) -> tuple[str, str]:
        url = reverse("organisation:class_detail", kwargs={"class_id": target.pk})
        return f"Xem danh sách lớp {target.name}", url

    # --- The file

    def field_specs(self, target) -> list[FieldSpec]:
        return list(class_rows.FIELDS)

    def suggest_mapping(self, headers: list[str], target) -> dict[int, str]:
        return class_rows.suggest_mapping(headers)

    def missing_fields(self, mapped: set[str], target) -> list[str]:
        return class_rows.missing_fields(mapped)

    def template_file(self, actor: Actor, target: SchoolClass) -> tuple[bytes, str]:
        content = build_template(
            class_name=target.name,
            year_name=target.year.name,
            school_name=actor.school.name,
            grade=target.grade.number,
        )
        return content, "danh-sach-lop-" + re.sub(r"[^a-z0-9]+", "-", fold(target.name)) + ".xlsx"

    # --- Checking and writing

    def parse_row(self, number: int, values: dict, report: Report, target) -> dict | None:
        return class_rows.RowParser(report, grade_context(target)).row(number, values)

    def check_rows(self, rows: list[dict], report: Report, target: SchoolClass) -> None:
        parser = class_rows.RowParser(report, grade_context(target))
        parser.duplicates(rows)
        codes = {r["profile"]["student_code"] for r in rows} - {""}
        pids = {r["profile"]["personal_id"] for r in rows} - {""}
        existing = Student.objects.filter(school_id=target.year.school_id).only(
            "student_code", "personal_id", "family_name", "middle_name", "given_name"
        )
        by_code = {s.student_code: s.full_name for s in existing.filter(student_code__in=codes)}
        by_pid = (
            {s.personal_id: s.full_name for s in existing.filter(personal_id__in=pids)}
            if pids
            else {}
        )
        parser.existing(rows, by_code, by_pid)

    def commit(self, *, actor: Actor, batch, target: SchoolClass, evaluation: Evaluation):
        start_date = date.fromisoformat(batch.result["start_date"])
        report = Report(batch.headers, batch.column_mapping())
        student_ids = [
            _enrol_row(actor, target, row, start_date, report).pk for row in evaluation.rows
        ]
        audit_record(
            event_type="student.imported",
            actor=actor.user,
            school_id=batch.school_id,
            target=target,
            after={
                "class": target.name,
                "count": len(student_ids),
                "filename": batch.filename,
                "batch_id": batch.pk,
                "student_ids": student_ids,
            },
            acting_as=actor.acting_as_for(*actor.roles),
        )
        return {"count": len(student_ids), "student_ids": student_ids}


def _enrol_row(actor: Actor, school_class, row: dict, start_date: date, report: Report):
    profile = dict(row["profile"])
    profile["birth_date"] = date.fromisoformat(profile["birth_date"])
    guardians = [GuardianInput(**g) for g in row["guardians"]]
    try:
        return student_enrol(
            actor=actor,
            school_class=school_class,
            profile=profile,
            guardians=guardians,
            start_date=start_date,
            audit=True,
        )
    except DomainError as exc:
        raise RowsRejected([report.entry(row["row"], exc.field or "", exc.message)])
    except PermissionDenied as exc:
        raise RowsRejected([batch_error(str(exc) or "Không có quyền thêm học sinh vào lớp này.")])


CLASS_LIST = ClassListImporter()
