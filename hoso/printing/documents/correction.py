"""Biên bản sửa điểm: the correction minute of a grade-book correction request (its three
parties, the principal's decision, every changed cell with its old and new value, reason,
evidence), from the grade book's ``minute_data``."""

from __future__ import annotations

from hoso.core.text import nfc
from hoso.gradebook.corrections.models import CorrectionRequest
from hoso.gradebook.corrections.selectors import minute_data
from hoso.printing.documents.common import VN_TZ, date_parts, header, person_name
from hoso.printing.render import render_pdf, signature_slots

SLOT_OF_ROLE = {
    "Người đề nghị sửa": "requester",
    "Người chứng kiến": "witness",
    "Giáo viên chủ nhiệm": "homeroom",
}


def _at(value) -> str:
    """ "09:00 ngày 20/11/2026" (a time then its date, as a sentence says it)."""
    if value is None:
        return ""
    return value.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y")


def correction_minute_data(*, correction: CorrectionRequest) -> dict:
    m = minute_data(correction)
    c = m.correction
    parties = [
        {
            "slot": SLOT_OF_ROLE.get(p.role, ""),
            "role": nfc(p.role),
            "name": nfc(p.name),
            "position": nfc(p.position),
            "confirmed_at": _at(p.confirmed_at),
        }
        for p in m.parties
    ]
    approved = bool(c.decided_by_id) and c.state != CorrectionRequest.State.REJECTED
    names = {p["slot"]: p["name"] for p in parties if p["slot"]}
    if approved:
        names["principal"] = nfc(m.decider_name)
    # Always the four slots in the layout's order, so that the boxes of signature_boxes() hold.
    sigs = []
    for slot, caption in signature_slots("correction_minute"):
        note = "(Ký, ghi rõ họ tên)"
        if slot == "principal":
            caption = nfc(c.school.head_title).upper()
            if approved and m.decided_as:
                note = f"({nfc(m.decided_as)})"
        sigs.append({"slot": slot, "caption": caption, "note": note, "name": names.get(slot, "")})
    hdr = header(c.school, date=c.applied_at)
    return {
        "kind": "correction_minute",
        "number": m.number,
        "draft": c.state != CorrectionRequest.State.APPLIED,
        "state": c.get_state_display(),
        "header": hdr,
        "year": m.year.name,
        "requested_by": nfc(c.requested_by.get_full_name()),
        "requested_at": _at(c.requested_at),
        "decision": (
            {"name": nfc(m.decider_name), "as": nfc(m.decided_as), "at": _at(c.decided_at)}
            if approved
            else None
        ),
        "parties": parties,
        "class": nfc(c.school_class.name),
        "subject": nfc(c.subject.name),
        "term": str(c.term),
        # Every change, one row each: old → new per student (a comment's whole texts).
        "items": [
            {
                "row": item.row,
                "student": person_name(item.student),
                "column": nfc(item.column_label),
                "is_text": bool(item.is_text),
                "old": nfc(item.old_text or "(trống)") if item.is_text else nfc(item.old_display),
                "new": nfc(item.new_text or "(trống)") if item.is_text else nfc(item.new_display),
            }
            for item in m.items
        ],
        "reason": nfc(c.reason),
        "decision_note": nfc(c.decision_note),
        "evidence": [{"name": nfc(e.original_name), "sha256": e.sha256} for e in m.evidence],
        "applied_at": _at(c.applied_at),
        "applied_date": date_parts(c.applied_at),
        "signatures": sigs,
    }


def render_correction_minute(data: dict) -> bytes:
    return render_pdf("correction_minute.typ", data)
