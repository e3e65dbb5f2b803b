"""The staff-list import (nhập danh sách cán bộ từ Excel), plugged into ``hoso.imports``.

Adds NEW people to the staff register, each with an account, through
``staff.actions.staff_create`` (``staff.created`` and ``account.created`` events each), then one
``staff.imported`` summary. Existing people — same staff code, same personal ID, or same name
and birth date — are shown in the preview and skipped, never changed (a re-import of the same
file writes nothing). All or nothing, as every import.

Who: whoever keeps the register (``Perm.EDIT_STAFF``: the clerk, the administrator). Positions
follow ``positions.py`` — nobody promotes themselves: a row whose position the importer may not
give (Hiệu trưởng, Phó hiệu trưởng: the principal in person; Văn thư, Quản trị viên: a leader)
is an error of its row and column. The administrator does not write personal fields (REG §7):
those columns are skipped with a warning. One-time passwords are kept on the batch until the
person who committed it takes them, once (``views.accounts``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.accounts.middleware import default_year
from hoso.audit.actions import audit_record
from hoso.core.errors import DomainError
from hoso.core.text import fold, full_name
from hoso.imports.cells import cell_text
from hoso.imports.errors import ImportErrorCode
from hoso.imports.headers import FieldSpec
from hoso.imports.importer import Evaluation, Importer, Report, RowsRejected, Words, batch_error
from hoso.imports.limits import Limits
from hoso.organisation.models import Department, School, Staff
from hoso.organisation.staff import policies, positions
from hoso.organisation.staff.actions import AccountRequest, staff_create
from hoso.organisation.staff.errors import StaffError, StaffInvalid
from hoso.organisation.staff.fields import PERSONAL, label_of
from hoso.organisation.staff.importing import rows as staff_rows
from hoso.organisation.staff.importing.template import build_template, importable_positions
from hoso.organisation.staff.positions import PositionSet
from hoso.organisation.staff.validation import clean_fields

NAME_PARTS = {"family_name", "middle_name", "given_name"}


@dataclass
class StaffTarget:
    """The school's register; ``actor`` is set for one check (who may write personal fields
    and give which positions); ``existing`` is that check's index of the register."""

    school: School
    actor: Actor | None = None
    existing: dict = field(default_factory=dict)

    @property
    def pk(self) -> int:
        return self.school.pk


class StaffListImporter(Importer):
    kind = "staff"
    words = Words(
        batch="Danh sách cán bộ",
        unit="người",
        thing="cán bộ",
        content="danh sách cán bộ",
        failed="người",
        log="lần nhập danh sách cán bộ",
    )
    url_prefix = "organisation:staff_import_"
    page_template = "organisation/staff/import_page.html"
    limits = Limits(row_noun="cán bộ")
    no_rows_message = "Tệp không có dòng cán bộ nào."

    # --- Who and where

    def access_target(self, actor: Actor, scope: dict) -> StaffTarget:
        policies.require_register_reader(actor)
        return StaffTarget(school=actor.school)

    def scope_of(self, target: StaffTarget) -> dict:
        return {}

    def target_of(self, scope: dict, school_id: int) -> StaffTarget:
        return StaffTarget(school=School.objects.get(pk=school_id))

    def year_of(self, target: StaffTarget):
        return default_year(target.school)

    def may_import(self, actor: Actor, target: StaffTarget) -> bool:
        return policies.can_edit_register(actor) and actor.school_id == target.school.pk

    def title(self, target: StaffTarget) -> str:
        return "Nhập danh sách cán bộ từ Excel"

    def back_link(self, target: StaffTarget) -> tuple[str, str]:
        return "Về danh sách cán bộ", reverse("organisation:staff")

    def start_context(self, actor: Actor, target: StaffTarget) -> dict:
        return {
            "personal": policies.can_see_personal(actor),
            "importable_positions": ", ".join(importable_positions()),
        }

    # --- The file

    def field_specs(self, target) -> list[FieldSpec]:
        return list(staff_rows.SPECS)

    def missing_fields(self, mapped: set[str], target) -> list[str]:
        return staff_rows.missing_fields(mapped)

    def preview_fields(self, batch, target) -> list[FieldSpec]:
        mapped = set(batch.column_mapping().values())
        split = {"family_name", "given_name"} <= mapped
        hidden = {"sequence"} | ({"full_name"} if split else NAME_PARTS)
        return [f for f in staff_rows.SPECS if f.name in mapped and f.name not in hidden]

    def template_file(self, actor: Actor, target: StaffTarget) -> tuple[bytes, str]:
        departments = sorted(
            Department.objects.filter(school=target.school).values_list("name", flat=True)
        )
        content = build_template(
            school_name=target.school.name,
            departments=list(departments),
            personal=policies.can_see_personal(actor),
        )
        return content, "danh-sach-can-bo.xlsx"

    # --- Checking

    def evaluate(self, batch, target: StaffTarget, actor: Actor) -> Evaluation:
        checked = replace(target, actor=actor, existing=_register_index(target.school))
        evaluation = super().evaluate(batch, checked, actor)
        dropped = sorted({n for r in evaluation.rows for n in r.get("dropped", [])})
        if dropped:
            names = ", ".join(f"“{label_of(n)}”" for n in dropped)
            evaluation.warnings.insert(
                0,
                batch_error(
                    f"Các cột {names} là dữ liệu cá nhân: chỉ Hiệu trưởng, Phó hiệu trưởng và "
                    "văn thư ghi, nên không được ghi từ lần nhập này."
                ),
            )
        new = sum(1 for r in evaluation.rows if not r.get("skip"))
        evaluation.counts = {"new": new, "skipped": len(evaluation.rows) - new}
        return evaluation

    def parse_row(self, number: int, values: dict, report: Report, target: StaffTarget):
        fields, extra, problems = staff_rows.read_row(values)
        split = {"family_name", "given_name"} <= set(report.column_of)

        def where(name: str) -> str:
            return "full_name" if name in NAME_PARTS and not split else name

        for name, message in problems:
            report.error(number, where(name), message)
        name = full_name(
            fields.get("family_name", ""), fields.get("middle_name", ""), fields.get("given_name")
        )
        display = {spec: cell_text(value) for spec, value in values.items() if spec != "sequence"}
        actor = target.actor
        personal = policies.can_see_personal(actor)
        row: dict[str, Any] = {"row": number, "name": name, "display": display}
        found = _existing(target.existing, fields)
        if found is not None:
            person, by = found
            report.warn(
                number,
                where(by),
                f"{person.full_name} (mã {person.code}) đã có trong sổ cán bộ: bỏ qua dòng này, "
                "không sửa gì. Sửa hồ sơ người đã có trên trang hồ sơ cán bộ.",
            )
            return row | {"skip": True}
        if not personal:
            fields, dropped = staff_rows.without_personal(fields)
            row["dropped"] = dropped
            for hidden in PERSONAL & display.keys():
                display[hidden] = "(không ghi)" if display[hidden] else ""
        department = fields.get("department")
        if isinstance(department, str):  # "Ngữ văn" in another system's file: "Tổ Ngữ văn"
            known = target.existing["departments"]
            fields["department"] = known.get(fold(department)) or known.get(
                fold(f"Tổ {department}"), department
            )
        clean, field_problems = clean_fields(fields, school=target.school)
        bad = {n for n, _m in problems}
        for problem in field_problems:
            if problem.field not in bad:
                report.error(number, where(problem.field), problem.message, problem.code)
        if clean.get("position"):
            refusal = _position_refusal(actor, target.school, clean["position"])
            if refusal:
                report.error(number, "position", *refusal)
        if extra["username"]:
            try:
                from hoso.accounts.actions import check_username

                extra["username"] = check_username(extra["username"])
            except DomainError as exc:
                report.error(number, "username", exc.message, exc.code)
        return row | {
            "fields": staff_rows.json_fields(fields),
            "username": extra["username"],
            "keys": _keys(fields, name)
            + ([["username", extra["username"]]] if extra["username"] else []),
        }

    def check_rows(self, rows: list[dict], report: Report, target: StaffTarget) -> None:
        """The same person twice in the file: the later row is an error."""
        seen: dict[tuple, int] = {}
        for row in rows:
            if row.get("skip"):
                continue
            for key in row["keys"]:
                first = seen.setdefault(tuple(key), row["row"])
                if first != row["row"]:
                    report.error(
                        row["row"],
                        key[0] if key[0] != "name" else "full_name",
                        f"Trùng với dòng {first} của tệp ({_key_words(key[0])}).",
                    )
                    break

    def preview_summary(self, batch) -> list[tuple[str, str]]:
        bad = {e["row"] for e in batch.errors if e.get("row")}
        new = sum(1 for r in batch.rows if not r.get("skip") and r["row"] not in bad)
        skipped = sum(1 for r in batch.rows if r.get("skip"))
        out = [(f"{new} người mới", "ok"), (f"{len(bad)} dòng có lỗi", "err" if bad else "")]
        if skipped:
            out.append((f"{skipped} người đã có trong sổ — bỏ qua", "warn"))
        return out

    def can_commit(self, batch) -> bool:
        return not batch.errors and any(not r.get("skip") for r in batch.rows)

    def check_ready(self, batch) -> None:
        if not any(not r.get("skip") for r in batch.rows):
            raise DomainError(
                ImportErrorCode.IMPORT_HAS_ERRORS,
                "Mọi người trong tệp đã có trong sổ cán bộ: không có gì để ghi.",
            )

    def commit_label(self, batch, target) -> str:
        new = sum(1 for r in batch.rows if not r.get("skip"))
        return f"Ghi {new} người mới vào sổ cán bộ (kèm tài khoản)"

    # --- Writing

    def commit(self, *, actor: Actor, batch, target: StaffTarget, evaluation: Evaluation):
        report = Report(batch.headers, batch.column_mapping())
        split = {"family_name", "given_name"} <= set(report.column_of)
        accounts = []
        for row in evaluation.rows:
            if row.get("skip"):
                continue
            try:
                created = staff_create(
                    actor=actor,
                    fields=row["fields"],
                    account=AccountRequest(username=row["username"]),
                )
            except StaffInvalid as exc:
                raise RowsRejected(
                    [
                        report.entry(
                            row["row"],
                            "full_name" if p.field in NAME_PARTS and not split else p.field,
                            p.message,
                            p.code,
                        )
                        for p in exc.problems
                    ]
                )
            except DomainError as exc:
                raise RowsRejected([report.entry(row["row"], exc.field or "", exc.message)])
            accounts.append(
                {
                    "staff_id": created.staff.pk,
                    "name": created.staff.full_name,
                    "code": created.staff.code,
                    "username": created.user.username if created.user else "",
                    "password": created.temporary_password,
                }
            )
        skipped = sum(1 for r in evaluation.rows if r.get("skip"))
        audit_record(
            event_type="staff.imported",
            actor=actor.user,
            school_id=batch.school_id,
            target_type="import_batch",
            target_id=str(batch.pk),
            target_repr=f"Nhập danh sách cán bộ “{batch.filename}”"[:300],
            after={
                "count": len(accounts),
                "skipped": skipped,
                "filename": batch.filename,
                "batch_id": batch.pk,
                "staff_ids": [a["staff_id"] for a in accounts],
                "accounts": [a["username"] for a in accounts],
            },
        )
        return {"count": len(accounts), "skipped": skipped, "accounts": accounts}

    def purge_result(self, result: dict) -> dict:
        """One-time passwords nobody took do not outlive the batch's rows (30 days)."""
        accounts = result.get("accounts", [])
        if not any(a.get("password") for a in accounts):
            return result
        return result | {
            "accounts": [a | {"password": None} for a in accounts],
            "passwords_expired": True,
        }

    def done_text(self, batch, target) -> str:
        count, skipped = batch.result.get("count", 0), batch.result.get("skipped", 0)
        text = f"Đã vào sổ {count} người, mỗi người có tài khoản."
        if skipped:
            text += f" {skipped} người đã có trong sổ được bỏ qua."
        if any(a.get("password") for a in batch.result.get("accounts", [])):
            text += " Mật khẩu dùng một lần chỉ hiện một lần, cho người đã bấm ghi."
        return text

    def done_link(self, batch, target) -> tuple[str, str]:
        url = reverse("organisation:staff_import_accounts", kwargs={"batch_id": batch.pk})
        return "Danh sách tài khoản và mật khẩu dùng một lần", url


def _register_index(school: School) -> dict:
    by_code, by_id, by_name = {}, {}, {}
    for person in Staff.objects.filter(school=school).only(
        "code", "id_number", "family_name", "middle_name", "given_name", "birth_date"
    ):
        by_code[fold(person.code)] = person
        if person.id_number:
            by_id[person.id_number] = person
        if person.birth_date:
            by_name[(fold(person.full_name), person.birth_date.isoformat())] = person
    departments = {
        fold(name): pk
        for pk, name in Department.objects.filter(school=school).values_list("pk", "name")
    }
    return {"code": by_code, "id_number": by_id, "name": by_name, "departments": departments}


def _birth(fields: dict) -> str:
    birth = fields.get("birth_date")
    return birth.isoformat() if isinstance(birth, date) else ""


def _keys(fields: dict, name: str) -> list[list]:
    keys = []
    if fields.get("code"):
        keys.append(["code", fold(fields["code"])])
    if fields.get("id_number"):
        keys.append(["id_number", fields["id_number"]])
    if name and _birth(fields):
        keys.append(["name", fold(name), _birth(fields)])
    return keys


def _key_words(kind: str) -> str:
    return {
        "code": "cùng mã cán bộ",
        "id_number": "cùng số định danh",
        "name": "cùng họ tên và ngày sinh",
        "username": "cùng tên đăng nhập",
    }[kind]


def _existing(index: dict, fields: dict) -> tuple[Staff, str] | None:
    """The person of the register this row names, and by which column; None for a new one."""
    code = fold(fields.get("code") or "")
    if code and code in index["code"]:
        return index["code"][code], "code"
    id_number = fields.get("id_number") or ""
    if id_number and id_number in index["id_number"]:
        return index["id_number"][id_number], "id_number"
    name = full_name(
        fields.get("family_name", ""), fields.get("middle_name", ""), fields.get("given_name")
    )
    birth = _birth(fields)
    if name and birth and (fold(name), birth) in index["name"]:
        return index["name"][(fold(name), birth)], "birth_date"
    return None


def _position_refusal(actor: Actor, school: School, position: str) -> tuple[str, str] | None:
    """Nobody promotes themselves: a position the importer may not give refuses its row."""
    wanted = PositionSet.wanted(position, ())
    problem = positions.position_problem(actor, Staff(school=school), PositionSet(main=""), wanted)
    if problem is None:
        return None
    code, message = problem
    if code == positions.PositionError.UNKNOWN:
        return message, str(StaffError.BAD_VALUE)
    return (
        f"{message} Dòng này không được nhập: xóa dòng (hoặc ghi chức vụ Giáo viên) rồi tải lên "
        f"lại; chức vụ {positions.LABELS.get(position, position)} do người có thẩm quyền bổ "
        "nhiệm trên trang hồ sơ cán bộ.",
        code,
    )


STAFF_LIST = StaffListImporter()
