"""Pieces shared by the document data functions: header, dates, names, signature slots."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hoso.core.text import nfc
from hoso.organisation.assignments.selectors import homeroom_teacher_of
from hoso.organisation.models import Position, Staff
from hoso.printing.render import signature_slots

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_PLACE_PREFIXES = ("thành phố ", "tỉnh ", "tp. ", "tp ")


def place_name(school) -> str:
    """The place of the date line: the province/city, the last part of the school's address
    ("…, thành phố Hải Phòng" → "Hải Phòng"); "" when the address says nothing."""
    parts = [p.strip() for p in nfc(school.address).split(",") if p.strip()]
    if not parts:
        return ""
    last = parts[-1]
    for prefix in _PLACE_PREFIXES:
        if last.lower().startswith(prefix):
            return last[len(prefix) :].strip()
    return last


def date_parts(value) -> dict | None:
    """{"day": "05", "month": "06", "year": "2026"} of a date or an aware datetime (local)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.astimezone(VN_TZ).date()
    return {"day": f"{value.day:02d}", "month": f"{value.month:02d}", "year": str(value.year)}


def header(school, *, date=None) -> dict:
    return {
        "office": nfc(school.office_name),
        "school": nfc(school.name),
        "place": place_name(school),
        "date": date_parts(date),
    }


def fmt_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def person_name(obj) -> str:
    """Full name of a Staff, a Student or a User ("" for None)."""
    if obj is None:
        return ""
    if hasattr(obj, "family_name"):
        return nfc(" ".join(p for p in (obj.family_name, obj.middle_name, obj.given_name) if p))
    full = getattr(obj, "get_full_name", None)
    name = full() if full else ""
    return nfc(name or getattr(obj, "username", ""))


def user_name(user) -> str:
    """A user's name as on their staff record when there is one."""
    if user is None:
        return ""
    staff = Staff.objects.filter(user=user).only("family_name", "middle_name", "given_name").first()
    return person_name(staff) if staff else person_name(user)


def principal_of(school) -> Staff | None:
    return (
        Staff.objects.filter(school=school, position=Position.PRINCIPAL, is_active=True)
        .order_by("pk")
        .first()
    )


def homeroom_of(school_class) -> Staff | None:
    """The class's homeroom teacher on the year's reference day (a closed year: its last)."""
    return homeroom_teacher_of(school_class)


def signatures(kind: str, names: dict[str, str], *, head_title: str = "Hiệu trưởng") -> list[dict]:
    """The signature slots of ``kind`` with captions and printed names, in signing order."""
    notes = {"school_seal": "(Chữ ký số của cơ quan, tổ chức)"}
    out = []
    for slot, caption in signature_slots(kind):
        if slot == "principal":
            caption = nfc(head_title).upper()
        out.append(
            {
                "slot": slot,
                "caption": caption,
                "note": notes.get(slot, "(Ký, ghi rõ họ tên)"),
                "name": nfc(names.get(slot, "")),
            }
        )
    return out


def score_text(value) -> str:
    """8.0 → "8,0"; "D" → "Đ"; "CD" → "CĐ"; None → ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        return f"{value:.1f}".replace(".", ",")
    text = str(value)
    return {"D": "Đ", "CD": "CĐ"}.get(text, text.replace(".", ",") if _numeric(text) else text)


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
