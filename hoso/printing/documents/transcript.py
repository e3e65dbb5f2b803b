"""Học bạ (transcript) of one student for one school year: the layout of its content.

The content — what the transcript shows, as raw data — is built and hashed by
``hoso.transcripts.content`` (the transcript owns it); this module only lays it out: labels for
codes, "8,0" for scores, dd/mm/yyyy for dates, the header and the signature slots. A change here
never changes the signed data hash. ``transcript_data``/``class_transcripts_data`` (the print
pages and jobs) read the content through the source the transcripts app registers at start-up,
so printing never imports transcripts.

Secondary follows Circular 22's template (subject table with term and year results, re-test,
training and learning results, decision, homeroom comment); primary follows Circular 27's
appendix (subjects with level, test score and comment; qualities; competencies; result of
education; award; completion).

A student who left the school during the year (content ``left``) gets the extract at the
leaving date: the leaving line, the periods not completed, and the table "Bảng điểm đến ngày …"
of the grade-book cells so far (the rule set's columns). Those keys are laid out only for a
leaver, so every other transcript's printed data stay as they were.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import segno

from hoso.assessment.rules import capabilities_for, get_ruleset
from hoso.assessment.rules.capabilities import TEXT
from hoso.core.errors import DomainError
from hoso.gradebook.results.compute import (
    DECISION_LABELS,
    LEVEL_LABELS,
    OVERALL_LABELS,
    PRIMARY_LEVEL_LABELS,
    TRAIT_LEVEL_LABELS,
    TRAIT_NAMES,
    period_label,
    title_label,
)
from hoso.organisation.models import Gender, Level
from hoso.printing.documents.common import (
    fmt_date,
    header,
    score_text,
    signatures,
)
from hoso.printing.errors import PrintingError
from hoso.printing.render import render_pdf
from hoso.students.models import StudentGuardian

LEVEL_SUBTITLES = {
    Level.PRIMARY: "TIỂU HỌC",
    Level.LOWER_SECONDARY: "TRUNG HỌC CƠ SỞ",
    Level.UPPER_SECONDARY: "TRUNG HỌC PHỔ THÔNG",
    Level.CONTINUING: "GIÁO DỤC THƯỜNG XUYÊN",
}

# ----------------------------------------------------------------------- the content source

_sources: dict[str, Callable] = {}


def register_content_source(*, one: Callable, many: Callable) -> None:
    """Called by the transcripts app in ``ready()``: ``one(student=, year=)`` and
    ``many(school_class=, students=)`` return transcript contents."""
    _sources["one"], _sources["many"] = one, many


def transcript_data(*, student, year) -> dict:
    """The laid-out transcript of the student for ``year`` (what ``render_transcript`` prints)."""
    return transcript_layout(_sources["one"](student=student, year=year))


def class_transcripts_data(*, school_class, students) -> list[dict]:
    """``transcript_data`` of many students of one class, the content loaded in bulk."""
    contents = _sources["many"](school_class=school_class, students=students)
    return [transcript_layout(c) for c in contents]


# --------------------------------------------------------------------------------- layout


def _level(code) -> str:
    return LEVEL_LABELS.get(code, "") if code else ""


def _date(iso: str | None):
    return dt.date.fromisoformat(iso) if iso else None


def _count(value) -> str:
    return "" if value is None else str(value)


def _relation(code: str) -> str:
    try:
        return StudentGuardian.Relation(code).label
    except ValueError:
        return code


def student_profile(student: dict) -> dict:
    return {
        "code": student["code"],
        "personal_id": student["personal_id"],
        "full_name": student["full_name"],
        "gender": Gender(student["gender"]).label if student["gender"] in Gender.values else "",
        "birth_date": fmt_date(_date(student["birth_date"])),
        "birth_place": student["birth_place"],
        "ethnicity": student["ethnicity"],
        "nationality": student["nationality"],
        "address": student["address"],
        "register_number": student["register_number"],
        "guardians": [
            {"relation": _relation(g["relation"]), "name": g["name"]} for g in student["guardians"]
        ],
    }


class _School:
    """What ``header`` reads of a school, from the content."""

    def __init__(self, school: dict) -> None:
        self.office_name = school["office"]
        self.name = school["name"]
        self.address = school["address"]


def transcript_layout(content: dict) -> dict:
    """The printed transcript (labels, formatted scores and dates, header, signature slots) of a
    transcript content (``hoso.transcripts.content``). Pure: no query."""
    ruleset = content["ruleset"]["code"]
    rules = capabilities_for(ruleset)
    level = content["level"]
    school = content["school"]
    data = {
        "kind": "transcript",
        "level": level,
        "title": "HỌC BẠ",
        "subtitle": LEVEL_SUBTITLES.get(level, ""),
        "learner": rules.learner,
        "header": header(_School(school), date=_date(content["approved_on"])),
        "student": student_profile(content["student"]),
        "year": content["year"],
        "class": content["class"],
        "grade": content["grade"],
        "ruleset": {
            "code": ruleset,
            "name": rules.circular,
            "version": content["ruleset"]["version"],
        },
        "pending": [period_label(p, ruleset) for p in content["pending"]],
        "homeroom_comment": content["homeroom_comment"],
        "signatures": signatures(
            "transcript",
            {
                "homeroom": content["signers"]["homeroom"],
                "principal": content["signers"]["principal"],
                "school_seal": school["name"],
            },
            head_title=school["head_title"],
        ),
    }
    if rules.by_checkpoints:
        data.update(_primary_layout(content))
    else:
        data.update(_secondary_layout(content, ruleset))
    if "left" in content:
        data.update(_left_layout(content, ruleset, rules.learner_title))
    return data


LEFT_WORDS = {"transferred_out": "chuyển đi", "dropped_out": "thôi học"}


def _left_layout(content: dict, ruleset: str, learner: str) -> dict:
    """The extract at the leaving date: who left when (and where to), what was not completed,
    the scores and absences so far."""
    left = content["left"]
    word = LEFT_WORDS.get(left["status"], "rời trường")
    line = f"{learner} {word} ngày {fmt_date(_date(left['on']))}"
    to = left.get("to") or ""
    if to:
        line += f" (đến {to})" if to.lower().startswith("trường") else f" (đến trường {to})"
    extract = content["extract"]
    return {
        "left": {"line": line + "."},
        "not_completed": {
            "periods": [period_label(p, ruleset) for p in content["not_completed"]],
            "note": f"Chưa hoàn thành ({learner.lower()} {word} trước khi kết thúc học kì)",
        },
        "extract": {
            "title": f"Bảng điểm đến ngày {fmt_date(_date(extract['on']))}",
            "terms": [_extract_term(term, ruleset) for term in extract["terms"]],
        },
    }


def _columns(ruleset: str, number: int, present: set[str]) -> list[tuple[str, str]]:
    """(key, label) of a term's columns: the rule set's grade-sheet columns in its order (the
    required ones always, the optional ones when a cell has them, never the comment text), then
    any other column a cell has."""
    tx = [int(k[2:]) for k in present if k.startswith("TX") and k[2:].isdigit()]
    try:
        specs = get_ruleset(ruleset).sheet_columns(
            assessment="score",
            term_number=number,
            periods_per_year=35,
            midterm_test=True,
            last_regular=max(tx, default=0),
            max_regular=max(tx, default=0),
        )
    except LookupError:
        specs = []
    out = [(c.key, c.label) for c in specs if c.kind != TEXT and (c.required or c.key in present)]
    known = {key for key, _ in out}
    return out + [(key, key) for key in sorted(present - known)]


def _extract_term(term: dict, ruleset: str) -> dict:
    present = {key for row in term["subjects"] for key in row["cells"]}
    columns = _columns(ruleset, term["term"], present)
    absences = term["absences"]
    if absences["total"] is None:
        said = "—"
    else:
        said = f"{absences['total']} buổi"
        if absences["excused"] is not None or absences["unexcused"] is not None:
            excused, unexcused = int(absences["excused"] or 0), int(absences["unexcused"] or 0)
            rest = int(absences["total"]) - excused - unexcused
            said += f" (có phép {excused}, không phép {unexcused}" + (
                f", chưa xác nhận {rest})" if rest > 0 else ")"
            )
    return {
        "label": "Học kỳ I" if term["term"] == 1 else "Học kỳ II",
        "columns": [label for _, label in columns],
        "rows": [
            {"name": row["name"], "cells": [score_text(row["cells"].get(k)) for k, _ in columns]}
            for row in term["subjects"]
        ],
        "absences": f"Số buổi nghỉ: {said}",
    }


def _secondary_layout(content: dict, ruleset: str) -> dict:
    rows = [
        {
            "code": row["code"],
            "name": row["name"],
            "term1": score_text(row["term1"]),
            "term2": score_text(row["term2"]),
            "year": score_text(row["year"]),
            "retest": score_text(row["retest"]),
            "teacher": row["teacher"],
        }
        for row in content["subjects"]
    ]
    training, learning, absences = content["training"], content["learning"], content["absences"]
    decision = content["decision"]
    return {
        "subjects": rows,
        "training": {k: _level(training[k]) for k in ("term1", "term2", "year", "summer")},
        "learning": {k: _level(learning[k]) for k in ("term1", "term2", "year", "after_retest")},
        "absences": {k: _count(absences[k]) for k in ("term1", "term2", "total")},
        "title_award": title_label(content["title"], ruleset),
        "decision": DECISION_LABELS.get(decision, "") if decision else "",
    }


def _primary_layout(content: dict) -> dict:
    rows = [
        {
            "code": row["code"],
            "name": row["name"],
            "level": PRIMARY_LEVEL_LABELS.get(row["level"] or "", ""),
            "test": score_text(row["test"]) if row["tested"] else "",
            "comment": row["comment"],
        }
        for row in content["subjects"]
    ]
    traits = {}
    for kind in ("qualities", "competencies"):
        traits[kind] = [
            {
                "code": item["code"],
                "name": TRAIT_NAMES[kind][item["code"]][:1].upper()
                + TRAIT_NAMES[kind][item["code"]][1:],
                "level": TRAIT_LEVEL_LABELS.get(item["level"] or "", ""),
            }
            for item in content[kind]
        ]
    completed = content["completed"]
    if completed is True:
        completion = content["completion_note"] or "Hoàn thành chương trình lớp học, được lên lớp"
    elif completed is False:
        completion = "Chưa hoàn thành chương trình lớp học"
    else:
        completion = ""
    return {
        "subjects": rows,
        "qualities": traits["qualities"],
        "competencies": traits["competencies"],
        "education_result": OVERALL_LABELS.get(content["overall"] or "", ""),
        "title_award": title_label(content["title"], content["ruleset"]["code"]),
        "completion": completion,
        "absences": {"term1": "", "term2": "", "total": _count(content["absences"]["total"])},
    }


# The verification QR code: the symbol at least QR_MIN_MM wide with modules of at least
# QR_MODULE_MM (zbar reads a 150-dpi scan from 0.7 mm; 0.42 mm needed 300 dpi), inside a white
# quiet zone of QR_QUIET_MODULES modules; quiet zone included, at most QR_MAX_MM (the room the
# verified footer has: lib.typ margin-bottom-verified). Up to version 5 (URLs of up to 84
# characters) every module is 0.7 mm or more.
QR_MIN_MM = 20
QR_MODULE_MM = 0.7
QR_QUIET_MODULES = 4
QR_MAX_MM = 31.5


def _qr(text: str):
    # The mask is fixed (mask 0, valid for every reader): segno's choice of the best mask costs
    # ~5 ms per code.
    return segno.make_qr(text, error="m", mask=0, boost_error=False)


def qr_png(text: str) -> bytes:
    """The QR code (error correction M) as a PNG of one pixel per module with its quiet zone of
    ``QR_QUIET_MODULES`` white modules, scaled without smoothing by Typst."""
    import io

    buf = io.BytesIO()
    _qr(text).save(buf, kind="png", border=QR_QUIET_MODULES, scale=1)
    return buf.getvalue()


def qr_size_mm(text: str) -> float:
    """The printed width of ``qr_png(text)`` (quiet zone included) in mm."""
    modules = _qr(text).symbol_size(border=0)[0]
    module_mm = max(QR_MODULE_MM, QR_MIN_MM / modules)
    total = module_mm * (modules + 2 * QR_QUIET_MODULES)
    return round(min(total, QR_MAX_MM), 2)


def _verification(v: dict, image: str = "img-qr") -> dict:
    return {"code": v["code"], "url": v["url"], "image": image, "qr_mm": qr_size_mm(v["url"])}


def render_transcript(
    data: dict,
    *,
    verification: dict | None = None,
    pdf_standard: str | None = None,
    attachments=None,
) -> bytes:
    """The transcript PDF. ``verification`` = {"code", "url"} prints the QR code, the short code
    and the URL in every page's footer; without it the footer says the document is a draft."""
    doc = dict(data)
    images = None
    if verification:
        doc["verification"] = _verification(verification)
        images = {"qr": qr_png(verification["url"])}
    else:
        doc["verification"] = None
    return render_pdf(
        "transcript.typ", doc, pdf_standard=pdf_standard, attachments=attachments, images=images
    )


def render_transcripts(
    datas: list[dict], *, verifications: list[dict | None] | None = None
) -> bytes:
    """Many transcripts in ONE PDF and one Typst compilation (several times faster than one
    compilation each): each starts on a new page, numbers its own pages, has its own footer
    (verification or draft note) and a bookmark "<name> — <class>"."""
    if not datas:
        raise DomainError(PrintingError.NOTHING_TO_PRINT, "Không có học bạ nào để in.")
    docs, images = [], {}
    for i, data in enumerate(datas):
        doc = dict(data)
        v = verifications[i] if verifications else None
        if v:
            doc["verification"] = _verification(v, f"img-qr{i}")
            images[f"qr{i}"] = qr_png(v["url"])
        else:
            doc["verification"] = None
        docs.append(doc)
    return render_pdf("transcripts.typ", {"documents": docs}, images=images)


def split_transcripts(pdf: bytes) -> list[bytes]:
    """Cut a ``render_transcripts`` PDF into one PDF per transcript (at its bookmarks)."""
    import io

    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    starts = [
        reader.get_destination_page_number(o) for o in reader.outline if not isinstance(o, list)
    ]
    bounds = starts + [len(reader.pages)]
    out = []
    for first, end in zip(bounds, bounds[1:], strict=False):
        writer = PdfWriter()
        for n in range(first, end):
            writer.add_page(reader.pages[n])
        buf = io.BytesIO()
        writer.write(buf)
        out.append(buf.getvalue())
    return out
