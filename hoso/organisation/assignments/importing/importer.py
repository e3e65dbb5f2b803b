"""The teaching-assignment table import (nhập bảng phân công chuyên môn), plugged into
``hoso.imports``.

Each filled cell becomes an edit of ``assignments.actions.assignments_apply`` (teaching cells
per term, homerooms), applied from one date, all or nothing: the actions keep the dated history,
refuse self-assignment and audit every changed cell (``assignment.teaching_changed``,
``assignment.homeroom_changed``); one ``assignment.imported`` summary follows. An empty cell
changes nothing; a cell that names the teacher already in place changes nothing either, so the
same file imported twice writes nothing the second time.

Terms: the whole year by default (the terms not over before the date of application), or the
term chosen at upload; the long layout's “Học kỳ” column chooses per row. Who: the editors of
the table (``can_manage_assignments``: principal, vice principals, administrator) in an open
year."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role
from hoso.audit.actions import audit_record
from hoso.core.errors import DomainError
from hoso.imports.cells import cell_text, column_label, parse_date_cell
from hoso.imports.errors import ImportErrorCode
from hoso.imports.headers import FieldSpec
from hoso.imports.importer import Evaluation, Importer, Report, RowsRejected, Words, batch_error
from hoso.imports.limits import Limits
from hoso.organisation.assignments.actions import (
    REASON_MAX,
    BatchError,
    CellEdit,
    assignments_apply,
    vn_date,
)
from hoso.organisation.assignments.errors import MESSAGES, AssignmentError
from hoso.organisation.assignments.importing.table import SUBJECT_PREFIX, YearTable
from hoso.organisation.assignments.importing.template import build_template
from hoso.organisation.assignments.policies import can_manage_assignments, can_view_assignments
from hoso.organisation.assignments.selectors import reference_day
from hoso.organisation.models import SchoolYear, Term
from hoso.organisation.staff.positions import is_self


@dataclass
class AssignmentTarget:
    """The year's table; for one check also the actor, the year's data and the options."""

    year: SchoolYear
    actor: Actor | None = None
    table: YearTable | None = None
    terms: tuple[Term, ...] = ()  # the terms a cell without its own “Học kỳ” is for
    day: date | None = None  # the date of application

    @property
    def pk(self) -> int:
        return self.year.pk


class AssignmentTableImporter(Importer):
    kind = "assignments"
    words = Words(
        batch="Bảng phân công",
        unit="ô",
        thing="phân công",
        content="bảng phân công",
        failed="ô",
        log="lần nhập bảng phân công",
    )
    url_prefix = "organisation:assignment_import_"
    page_template = "organisation/assignments/import_page.html"
    limits = Limits(row_noun="dòng")
    no_rows_message = "Tệp không có ô phân công nào được ghi."
    min_recognised = 2  # “Lớp” and one subject (or GVCN) already make a table

    # --- Who and where

    def access_target(self, actor: Actor, scope: dict) -> AssignmentTarget:
        year = SchoolYear.objects.filter(pk=scope["year_id"], school_id=actor.school_id).first()
        if year is None or not can_view_assignments(actor):
            raise not_found(actor, f"bảng phân công năm học #{scope['year_id']}")
        return AssignmentTarget(year=year)

    def scope_of(self, target: AssignmentTarget) -> dict:
        return {"year_id": target.year.pk}

    def target_of(self, scope: dict, school_id: int) -> AssignmentTarget:
        return AssignmentTarget(
            year=SchoolYear.objects.get(pk=scope["year_id"], school_id=school_id)
        )

    def year_of(self, target: AssignmentTarget):
        return target.year

    def may_import(self, actor: Actor, target: AssignmentTarget) -> bool:
        return can_manage_assignments(actor, target.year)

    def upload_blocked(self, target: AssignmentTarget) -> str:
        if not Term.objects.filter(year=target.year).exists():
            return "Năm học chưa có học kỳ: hãy thiết lập năm học trước."
        return ""

    def title(self, target: AssignmentTarget) -> str:
        return f"Nhập bảng phân công chuyên môn năm học {target.year.name} từ Excel"

    def back_link(self, target: AssignmentTarget) -> tuple[str, str]:
        return "Về bảng phân công", reverse("organisation:assignments")

    def start_context(self, actor: Actor, target: AssignmentTarget) -> dict:
        return {"terms": list(Term.objects.filter(year=target.year).order_by("number"))}

    # --- Options: the term(s) and the date of application

    def initial_form(self, target: AssignmentTarget) -> dict:
        return {"term": "", "starts_on": reference_day(target.year).isoformat()}

    def default_options(self, target: AssignmentTarget) -> dict:
        return {"term_id": None, "starts_on": None}

    def read_options(self, data, target: AssignmentTarget, *, step: str) -> dict:
        if step != "upload":
            return {}
        raw_term = (data.get("term") or "").strip()
        term_id = int(raw_term) if raw_term.isdigit() else None
        if raw_term and term_id is None:
            raise DomainError(ImportErrorCode.BAD_OPTION, "Học kỳ không hợp lệ.", field="term")
        try:
            starts_on = parse_date_cell(data.get("starts_on") or "")
        except Exception:
            raise DomainError(
                ImportErrorCode.BAD_OPTION,
                "Ngày áp dụng không hợp lệ (ví dụ 05/09/2026).",
                field="starts_on",
            )
        return {"term_id": term_id, "starts_on": starts_on}

    def clean_options(self, target: AssignmentTarget, options: dict) -> dict:
        year = target.year
        day = options.get("starts_on") or reference_day(year)
        if isinstance(day, str):
            day = date.fromisoformat(day)
        if not year.start_date <= day <= year.end_date:
            raise DomainError(
                ImportErrorCode.BAD_OPTION,
                f"Ngày áp dụng phải trong năm học {year.name} "
                f"(từ {vn_date(year.start_date)} đến {vn_date(year.end_date)}).",
                field="starts_on",
            )
        term_id = options.get("term_id")
        if term_id is not None:
            term = Term.objects.filter(pk=term_id, year=year).first()
            if term is None:
                raise DomainError(ImportErrorCode.BAD_OPTION, "Học kỳ không hợp lệ.", field="term")
            if term.end_date < day:
                raise DomainError(
                    ImportErrorCode.BAD_OPTION,
                    f"{term} đã kết thúc trước ngày áp dụng {vn_date(day)}: không đổi phân "
                    "công của học kỳ đã qua.",
                    field="term",
                )
        return {"term_id": term_id, "starts_on": day.isoformat()}

    # --- The file

    def field_specs(self, target: AssignmentTarget) -> list[FieldSpec]:
        table = target.table or YearTable.of(target.year)
        return table.specs()

    def missing_fields(self, mapped: set[str], target) -> list[str]:
        out = []
        if "class" not in mapped:
            out.append("Chưa có cột nào ghép vào “Lớp”.")
        by_subject = any(m.startswith(SUBJECT_PREFIX) for m in mapped)
        long = {"subject", "teacher"} & mapped
        if by_subject and long:
            out.append(
                "Tệp vừa có cột của từng môn vừa có cột “Môn”/“Giáo viên”: chọn một dạng — "
                "dạng bảng (mỗi môn một cột) hoặc dạng dọc (Lớp, Môn, Giáo viên)."
            )
        elif long and long != {"subject", "teacher"}:
            out.append("Tệp dạng dọc cần cả hai cột “Môn” và “Giáo viên”.")
        elif not (by_subject or long or "homeroom" in mapped):
            out.append(
                "Chưa có cột giáo viên: ghép mỗi cột môn vào môn đó (và cột GVCN), hoặc ghép "
                "hai cột “Môn” và “Giáo viên” (dạng dọc)."
            )
        return out

    def template_file(self, actor: Actor, target: AssignmentTarget) -> tuple[bytes, str]:
        content = build_template(table=YearTable.of(target.year), school_name=actor.school.name)
        return content, f"phan-cong-chuyen-mon-{target.year.name}.xlsx"

    # --- Checking

    def evaluate(self, batch, target: AssignmentTarget, actor: Actor) -> Evaluation:
        table = YearTable.of(target.year)
        term_id = batch.result.get("term_id")
        terms = tuple(t for t in table.terms if term_id is None or t.pk == term_id)
        day = date.fromisoformat(batch.result["starts_on"])
        checked = replace(target, actor=actor, table=table, terms=terms, day=day)
        evaluation = super().evaluate(batch, checked, actor)
        evaluation.counts = {"cells": sum(len(r["cells"]) for r in evaluation.rows)}
        mapping = batch.column_mapping()
        ignored = [
            column_label(index, batch.headers)
            for index, header in enumerate(batch.headers)
            if header and index not in mapping
        ]
        if ignored:  # a subject written another way ("Toán học") must not vanish unseen
            evaluation.warnings.insert(
                0,
                batch_error(
                    f"Không đọc các cột {', '.join(ignored)}: chúng không được ghép vào môn "
                    "nào. Nếu là một môn, bấm “Ghép lại cột”."
                ),
            )
        return evaluation

    def parse_row(self, number: int, values: dict, report: Report, target: AssignmentTarget):
        table = target.table
        text = {name: cell_text(value) for name, value in values.items()}
        display = {name: value for name, value in text.items() if name != "sequence"}
        cells: list[dict] = []
        row = {"row": number, "display": display, "cells": cells}
        filled = [n for n, v in text.items() if v and n not in ("sequence", "class", "term")]
        if not filled:
            return None  # a class of the template left empty: nothing to change
        if not text.get("class"):
            report.error(number, "class", "Chưa ghi lớp.")
            return row
        school_class, why = table.school_class(text["class"])
        if school_class is None:
            report.error(number, "class", why)
            return row

        def teacher_in(name: str):
            person, why = table.teacher(text[name])
            if person is None:
                report.error(number, name, why)
            elif is_self(target.actor, person):
                report.error(number, name, MESSAGES[AssignmentError.SELF], AssignmentError.SELF)
                person = None
            return person

        def add(name: str, teacher, subject=None, terms=()) -> None:
            cells.append(
                {
                    "field": name,
                    "class_id": school_class.pk,
                    "subject_id": subject.pk if subject else None,
                    "term_ids": [t.pk for t in terms],
                    "teacher_id": teacher.pk,
                }
            )
            display[name] = teacher.full_name

        if text.get("homeroom"):
            teacher = teacher_in("homeroom")
            if teacher is not None:
                add("homeroom", teacher)
        open_default = table.open_terms(list(target.terms), target.day)
        if text.get("subject") or text.get("teacher"):
            self._long_cell(number, text, report, target, school_class, teacher_in, add)
        for name in sorted(n for n in filled if n.startswith(SUBJECT_PREFIX)):
            subject = table.subject_of_field(name)
            if subject is None:
                continue
            if not table.offered_in(subject, school_class):
                report.error(
                    number,
                    name,
                    f"Khối {school_class.grade.number} không học môn {subject.name}: ô này phải "
                    "để trống.",
                    AssignmentError.NOT_OFFERED,
                )
                continue
            teacher = teacher_in(name)
            if teacher is not None:
                add(name, teacher, subject, open_default)
        return row

    def _long_cell(self, number, text, report, target, school_class, teacher_in, add) -> None:
        table = target.table
        if not text.get("subject"):
            report.error(number, "subject", "Chưa ghi môn.")
            return
        if not text.get("teacher"):
            report.error(number, "teacher", "Chưa ghi giáo viên.")
            return
        subject, why = table.subject(text["subject"])
        if subject is None:
            report.error(number, "subject", why)
            return
        if not table.offered_in(subject, school_class):
            report.error(
                number,
                "subject",
                f"Khối {school_class.grade.number} không học môn {subject.name}.",
                AssignmentError.NOT_OFFERED,
            )
            return
        terms, why = table.terms_of(text.get("term", ""), list(target.terms))
        if terms is None:
            report.error(number, "term", why)
            return
        open_terms = table.open_terms(terms, target.day)
        if not open_terms:
            report.error(
                number,
                "term",
                f"{terms[0]} đã kết thúc trước ngày áp dụng {vn_date(target.day)}: không đổi "
                "phân công của học kỳ đã qua.",
            )
            return
        teacher = teacher_in("teacher")
        if teacher is not None:
            add("teacher", teacher, subject, open_terms)

    def check_rows(self, rows: list[dict], report: Report, target: AssignmentTarget) -> None:
        """One cell given two different teachers in the file: the later one is an error."""
        seen: dict[tuple, tuple[int, int]] = {}
        names = {c.pk: c.name for c in target.table.classes}
        for row in rows:
            for cell in row["cells"]:
                keys = [(cell["class_id"], cell["subject_id"], t) for t in cell["term_ids"]]
                for key in keys or [(cell["class_id"], None, None)]:
                    first = seen.setdefault(key, (row["row"], cell["teacher_id"]))
                    if first[1] != cell["teacher_id"]:
                        what = "chủ nhiệm" if key[1] is None else "môn này"
                        report.error(
                            row["row"],
                            cell["field"],
                            f"Lớp {names[key[0]]}: {what} đã được phân công người khác ở dòng "
                            f"{first[0]} của tệp.",
                        )
                        break

    def preview_summary(self, batch) -> list[tuple[str, str]]:
        bad = {e["row"] for e in batch.errors if e.get("row")}
        cells = sum(len(r["cells"]) for r in batch.rows)
        out = [(f"{cells} ô phân công", "ok"), (f"{len(bad)} dòng có lỗi", "err" if bad else "")]
        term = "cả năm" if batch.result.get("term_id") is None else "một học kỳ"
        day = date.fromisoformat(batch.result["starts_on"])
        out.append((f"Áp dụng từ {vn_date(day)}, {term}", ""))
        return out

    def commit_label(self, batch, target) -> str:
        cells = sum(len(r["cells"]) for r in batch.rows)
        return f"Ghi {cells} ô vào bảng phân công"

    # --- Writing

    def commit(self, *, actor: Actor, batch, target: AssignmentTarget, evaluation: Evaluation):
        table = YearTable.of(target.year)
        classes = {c.pk: c for c in table.classes}
        subjects = {s.pk: s for s in table.subjects}
        terms = {t.pk: t for t in table.terms}
        staff = {s.pk: s for s in table.staff}
        edits: list[CellEdit] = []
        where: list[tuple[int, str]] = []
        for row in evaluation.rows:
            for cell in row["cells"]:
                school_class, teacher = classes[cell["class_id"]], staff[cell["teacher_id"]]
                if cell["subject_id"] is None:
                    edits.append(CellEdit(school_class=school_class, teacher=teacher))
                    where.append((row["row"], cell["field"]))
                    continue
                for term_id in cell["term_ids"]:
                    edits.append(
                        CellEdit(
                            school_class=school_class,
                            teacher=teacher,
                            subject=subjects[cell["subject_id"]],
                            term=terms[term_id],
                        )
                    )
                    where.append((row["row"], cell["field"]))
        day = date.fromisoformat(batch.result["starts_on"])
        reason = f"Nhập bảng phân công từ tệp “{batch.filename}”"[:REASON_MAX]
        report = Report(batch.headers, batch.column_mapping())
        try:
            changes = assignments_apply(actor=actor, edits=edits, starts_on=day, reason=reason)
        except BatchError as exc:
            raise RowsRejected(
                [report.entry(*where[index], error.message) for index, error in exc.errors]
            )
        except DomainError as exc:
            raise RowsRejected([batch_error(exc.message)])
        audit_record(
            event_type="assignment.imported",
            actor=actor.user,
            school_id=batch.school_id,
            target=target.year,
            target_repr=f"Nhập bảng phân công năm học {target.year.name}",
            after={
                "count": len(changes),
                "cells": len(edits),
                "starts_on": day.isoformat(),
                "term_id": batch.result.get("term_id"),
                "filename": batch.filename,
                "batch_id": batch.pk,
            },
            acting_as=actor.acting_as_for(Role.PRINCIPAL),
        )
        return {"count": len(changes), "cells": len(edits)}

    def done_text(self, batch, target) -> str:
        count = batch.result.get("count", 0)
        if not count:
            return "Bảng phân công đã đúng như tệp: không có ô nào thay đổi."
        return (
            f"Đã ghi {count} thay đổi vào bảng phân công năm học {target.year.name}; lịch sử "
            "phân công được giữ và giáo viên liên quan được báo."
        )

    def done_link(self, batch, target) -> tuple[str, str]:
        return "Xem bảng phân công", reverse("organisation:assignments")


ASSIGNMENT_TABLE = AssignmentTableImporter()
