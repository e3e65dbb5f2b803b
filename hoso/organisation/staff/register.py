"""The register as data: a person's values, the difference between two states (a change-log
line), the change log as people read it, and the whole register frozen for an edition or a
print. Reads only; the writes are in ``actions.py``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hoso.core import clock
from hoso.core.text import nfc
from hoso.organisation.models import Department, Position, Staff, StaffChange
from hoso.organisation.staff.fields import (
    FIELDS,
    PERSONAL,
    display,
    json_value,
    label_of,
    stored_value,
)

HIDDEN = "(ẩn)"  # what a person without the right reads in place of personal data
POSITION_LABELS = dict(Position.choices)
# Besides the catalogue, a change-log line may name these.
EXTRA_KEYS = ("extra_positions", "end_date", "end_reason", "is_active")


def register_values(staff: Staff, extra_positions: Iterable[str] | None = None) -> dict[str, Any]:
    """Every register value of ``staff`` in JSON form (the change log compares these)."""
    values = {f.name: json_value(stored_value(staff, f.name)) for f in FIELDS}
    if extra_positions is None:
        extra_positions = (
            staff.extra_positions.values_list("position", flat=True) if staff.pk else ()
        )
    values["extra_positions"] = sorted(extra_positions)
    values["end_date"] = json_value(staff.end_date)
    values["end_reason"] = staff.end_reason
    values["is_active"] = staff.is_active
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields whose value differs, in the register's order."""
    order = [f.name for f in FIELDS] + list(EXTRA_KEYS)
    out = []
    for name in order:
        old, new = before.get(name), after.get(name)
        if (old in (None, "", [])) and (new in (None, "", [])):
            continue
        if old != new:
            out.append({"field": name, "before": old, "after": new})
    return out


def _shown(name: str, value: Any, departments: dict[int, str]) -> str:
    if name == "extra_positions":
        return ", ".join(POSITION_LABELS.get(p, p) for p in value or [])
    if name == "is_active":
        return "Đang công tác" if value else "Thôi công tác"
    return display(name, value, departments=departments)


def departments_of(school) -> dict[int, str]:
    return dict(Department.objects.filter(school=school).values_list("pk", "name"))


def change_items(
    changes: list[dict[str, Any]], *, personal: bool, departments: dict[int, str]
) -> list[dict[str, str]]:
    """[{label, before, after}] as people read them; personal values hidden unless allowed."""
    out = []
    for item in changes:
        name = item["field"]
        if name in PERSONAL and not personal:
            before = HIDDEN if item["before"] not in (None, "") else ""
            after = HIDDEN if item["after"] not in (None, "") else ""
        else:
            before = _shown(name, item["before"], departments)
            after = _shown(name, item["after"], departments)
        out.append({"label": label_of(name), "before": before, "after": after})
    return out


def change_lines(items: list[dict[str, str]]) -> list[str]:
    """ "Label: before → after" for each item ("(trống)" for an empty side)."""
    return [f"{i['label']}: {i['before'] or '(trống)'} → {i['after'] or '(trống)'}" for i in items]


def change_log(
    changes: Iterable[StaffChange], *, personal: bool, departments: dict[int, str]
) -> list[dict[str, Any]]:
    """Change-log lines as people read them (the page and the print)."""
    out = []
    for c in changes:
        out.append(
            {
                "id": c.pk,
                "date": f"{c.effective_on:%d/%m/%Y}",
                "at": f"{c.at.astimezone(clock.VN_TZ):%H:%M %d/%m/%Y}",
                "name": c.staff.full_name,
                "code": c.staff.code,
                "kind": c.get_kind_display(),
                "created": c.kind == StaffChange.Kind.CREATED,  # printed as one line
                "who": c.actor_name,
                "items": change_items(c.changes, personal=personal, departments=departments),
                "note": c.note,
            }
        )
    return out


def audit_view(changes: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """before/after for the audit trail: personal values are not copied there (the leaders and
    the administrator read the trail; REG §7) — the change-log line keeps them."""
    before, after = {}, {}
    for item in changes:
        name = item["field"]
        if name in PERSONAL:
            before[name] = "(đã ghi)" if item["before"] not in (None, "") else None
            after[name] = "(đã thay đổi)" if item["after"] not in (None, "") else None
        else:
            before[name], after[name] = item["before"], item["after"]
    return before, after


# --- the whole register ---------------------------------------------------------------------


def _row(s: Staff, extra: list[str], departments: dict[int, str]) -> dict[str, Any]:
    values = {}
    for f in FIELDS:
        values[f.name] = _shown(f.name, json_value(stored_value(s, f.name)), departments)
    if extra:
        values["position"] = ", ".join(
            [values["position"]] + [POSITION_LABELS.get(p, p) for p in sorted(extra)]
        )
    if s.party_member and s.party_joined_on:
        values["party_member"] = f"Có ({s.party_joined_on:%d/%m/%Y})"
    if s.standard_rating and s.standard_rating_year:
        values["standard_rating"] = f"{values['standard_rating']} ({s.standard_rating_year})"
    return {"id": s.pk, "code": s.code, "name": s.full_name, "values": values}


def register_data(*, school, year, since_change_id: int, until_change_id: int) -> dict[str, Any]:
    """The register as it stands, frozen to plain text: the people in service (Vietnamese
    order), the people who left during ``year`` with date and reason, and the change-log lines
    (``since_change_id``, ``until_change_id``]. Everything, personal data included: only the
    roles entitled to it take editions and print."""
    departments = departments_of(school)
    staff = list(
        Staff.objects.filter(school=school)
        .prefetch_related("extra_positions")
        .order_by("sort_name", "code")
    )
    active, ended = [], []
    for s in staff:
        extra = [p.position for p in s.extra_positions.all()]
        if s.is_active:
            row = _row(s, extra, departments)
            if s.end_date:
                row["leaving"] = (
                    f"Thôi công tác từ {s.end_date:%d/%m/%Y} ({s.get_end_reason_display()})"
                )
            active.append(row)
        elif s.end_date and s.end_date >= year.start_date:
            ended.append(
                {
                    "id": s.pk,
                    "code": s.code,
                    "name": s.full_name,
                    "birth_date": display("birth_date", s.birth_date),
                    "position": POSITION_LABELS.get(s.position, s.position),
                    "end_date": f"{s.end_date:%d/%m/%Y}",
                    "end_reason": s.get_end_reason_display(),
                    "sort": s.end_date.isoformat(),
                }
            )
    ended.sort(key=lambda r: (r["sort"], r["name"]))
    changes = (
        StaffChange.objects.filter(school=school, pk__gt=since_change_id, pk__lte=until_change_id)
        .select_related("staff")
        .order_by("pk")
    )
    return {
        "school": nfc(school.name),
        "year": year.name,
        "active": active,
        "ended": ended,
        "changes": change_log(changes, personal=True, departments=departments),
    }
