"""Học bạ (transcript) of one student for one school year, from the approved grade-book results.

Only periods the principal has approved are printed (a draft result is not part of the record);
the others are listed in ``pending`` and their cells stay blank. Secondary follows Circular 22's
template (subject table with term and year results, re-test, training and learning results,
decision, homeroom comment); primary follows Circular 27's appendix (subjects with level, test
score and comment; qualities; competencies; result of education; award; completion).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import segno

from hoso.assessment.rules import capabilities_for
from hoso.core.errors import DomainError
from hoso.core.text import nfc
from hoso.gradebook.models import ClassResult, HomeroomInput, StudentResult, SubjectComment
from hoso.gradebook.results.compute import (
    DECISION_LABELS,
    FINAL,
    LEVEL_LABELS,
    OVERALL_LABELS,
    PRIMARY_LEVEL_LABELS,
    TERM1,
    TERM2,
    TRAIT_CODES,
    TRAIT_LEVEL_LABELS,
    TRAIT_NAMES,
    YEAR,
    class_ruleset,
    offerings_by_grade,
    period_label,
    periods_for,
    title_label,
)
from hoso.organisation.assignments.selectors import reference_day, teaching_on
from hoso.organisation.models import Gender, Level
from hoso.printing.documents.common import (
    fmt_date,
    header,
    homeroom_of,
    person_name,
    principal_of,
    score_text,
    signatures,
)
from hoso.printing.errors import PrintingError
from hoso.printing.render import render_pdf
from hoso.students.models import Enrolment, RegisterEntry, StudentGuardian

LEVEL_SUBTITLES = {
    Level.PRIMARY: "TIỂU HỌC",
    Level.LOWER_SECONDARY: "TRUNG HỌC CƠ SỞ",
    Level.UPPER_SECONDARY: "TRUNG HỌC PHỔ THÔNG",
    Level.CONTINUING: "GIÁO DỤC THƯỜNG XUYÊN",
}
RELATION_ORDER = {"father": 0, "mother": 1, "guardian": 2}


def student_enrolment(student, year) -> Enrolment:
    """The student's class in ``year``: the current enrolment, else the last one."""
    rows = list(
        Enrolment.objects.filter(student=student, year=year).select_related(
            "school_class__grade", "school_class__year"
        )
    )
    if not rows:
        raise DomainError(PrintingError.NO_CLASS, "Học sinh không học lớp nào trong năm học này.")
    current = [e for e in rows if e.end_date is None]
    if current:
        return max(current, key=lambda e: (e.start_date, e.pk))
    return max(rows, key=lambda e: (e.end_date, e.start_date, e.pk))


def student_profile(student, *, guardians: list[dict], register_number: str) -> dict:
    return {
        "code": student.student_code,
        "personal_id": student.personal_id,
        "full_name": person_name(student),
        "gender": Gender(student.gender).label if student.gender in Gender.values else "",
        "birth_date": fmt_date(student.birth_date),
        "birth_place": nfc(student.birth_place),
        "ethnicity": nfc(student.ethnicity),
        "nationality": nfc(student.nationality),
        "address": nfc(student.address),
        "register_number": register_number,
        "guardians": guardians,
    }


def _teacher_names(school_class) -> dict[int, str]:
    """Subject id → the teacher of the subject in the class (term II's, else term I's), on the
    year's reference day (a closed year: its final teachers)."""
    out: dict[int, tuple[int, str]] = {}
    day = reference_day(school_class.year)
    for ta in teaching_on(day).filter(school_class=school_class).select_related("teacher", "term"):
        rank = ta.term.number
        if ta.subject_id not in out or rank > out[ta.subject_id][0]:
            out[ta.subject_id] = (rank, person_name(ta.teacher))
    return {k: v[1] for k, v in out.items()}


def _level(code) -> str:
    return LEVEL_LABELS.get(code, "") if code else ""


@dataclass
class _ClassContext:
    """What every transcript of one class shares (loaded once for a batch)."""

    school_class: object
    year: object
    ruleset: str
    class_results: dict
    subjects: list
    teachers: dict[int, str]
    homeroom: str
    principal: str
    default_version: str


def _class_context(school_class, year) -> _ClassContext:
    ruleset = class_ruleset(school_class)
    try:
        from hoso.assessment.rules import get_ruleset

        default_version = get_ruleset(ruleset).version_label
    except LookupError:
        default_version = ruleset
    return _ClassContext(
        school_class=school_class,
        year=year,
        ruleset=ruleset,
        class_results={
            cr.period: cr
            for cr in ClassResult.objects.filter(
                school_class=school_class, state=ClassResult.State.APPROVED
            )
        },
        subjects=offerings_by_grade([school_class.grade_id]).get(school_class.grade_id, []),
        teachers=_teacher_names(school_class),
        homeroom=person_name(homeroom_of(school_class)),
        principal=person_name(principal_of(year.school)),
        default_version=default_version,
    )


@dataclass
class _Facts:
    """One student's own rows (loaded in bulk for a batch)."""

    results: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)
    comments: dict = field(default_factory=dict)
    homeroom_comment: str = ""
    guardians: list = field(default_factory=list)
    register_number: str = ""


def _load_facts(ctx: _ClassContext, students) -> dict[int, _Facts]:
    ids = [s.pk for s in students]
    facts = {pk: _Facts() for pk in ids}
    for sr in StudentResult.objects.filter(
        class_result__in=list(ctx.class_results.values()), student_id__in=ids
    ).select_related("class_result"):
        facts[sr.student_id].results[sr.class_result.period] = sr.data
        facts[sr.student_id].versions[sr.class_result.period] = sr.ruleset_version
    for c in SubjectComment.objects.filter(student_id__in=ids, term__year=ctx.year).select_related(
        "term"
    ):
        facts[c.student_id].comments[(c.subject_id, c.term.number)] = nfc(c.text)
    for student_id, comment in HomeroomInput.objects.filter(
        student_id__in=ids, year=ctx.year
    ).values_list("student_id", "general_comment"):
        facts[student_id].homeroom_comment = nfc(comment)
    links: dict[int, list[tuple]] = {}
    for link in StudentGuardian.objects.filter(student_id__in=ids).select_related("guardian"):
        links.setdefault(link.student_id, []).append(
            (
                RELATION_ORDER.get(link.relation, 9),
                nfc(link.guardian.full_name),
                StudentGuardian.Relation(link.relation).label,
            )
        )
    for student_id, items in links.items():
        facts[student_id].guardians = [
            {"relation": relation, "name": name} for _, name, relation in sorted(items)
        ]
    for student_id, number in RegisterEntry.objects.filter(student_id__in=ids).values_list(
        "student_id", "number"
    ):
        facts[student_id].register_number = str(number)
    return facts


def _build(ctx: _ClassContext, student, facts: _Facts) -> dict:
    school_class, year, ruleset = ctx.school_class, ctx.year, ctx.ruleset
    school = year.school
    rules = capabilities_for(ruleset)
    results, versions = facts.results, facts.versions
    pending = [period_label(p, ruleset) for p in periods_for(ruleset) if p not in results]
    version = next((versions[p] for p in (FINAL, YEAR, TERM2, TERM1) if p in versions), "")
    year_cr = ctx.class_results.get(FINAL) or ctx.class_results.get(YEAR)
    level = school_class.grade.level
    data = {
        "kind": "transcript",
        "level": level,
        "title": "HỌC BẠ",
        "subtitle": LEVEL_SUBTITLES.get(level, ""),
        "learner": rules.learner,
        "header": header(school, date=year_cr.approved_at if year_cr else None),
        "student": student_profile(
            student, guardians=facts.guardians, register_number=facts.register_number
        ),
        "year": year.name,
        "class": nfc(school_class.name),
        "grade": school_class.grade.number,
        "ruleset": {
            "code": ruleset,
            "name": rules.circular,
            "version": version or ctx.default_version,
        },
        "pending": pending,
        "homeroom_comment": facts.homeroom_comment,
        "signatures": signatures(
            "transcript",
            {
                "homeroom": ctx.homeroom,
                "principal": ctx.principal,
                "school_seal": nfc(school.name),
            },
            head_title=school.head_title,
        ),
    }
    if rules.by_checkpoints:
        data.update(_primary_part(results, ctx.subjects, facts.comments, ruleset))
    else:
        data.update(_secondary_part(results, ctx.subjects, ctx.teachers, ruleset))
    return data


def transcript_data(*, student, year) -> dict:
    """The exact content of the student's transcript for ``year`` (JSON-serialisable,
    deterministic: no timestamps other than the approval date, stable order)."""
    enrolment = student_enrolment(student, year)
    ctx = _class_context(enrolment.school_class, year)
    return _build(ctx, student, _load_facts(ctx, [student])[student.pk])


def class_transcripts_data(*, school_class, students) -> list[dict]:
    """``transcript_data`` of many students of one class (their class in its year) with the
    shared parts loaded once and the rest in bulk: the same dicts, far fewer queries."""
    ctx = _class_context(school_class, school_class.year)
    facts = _load_facts(ctx, students)
    return [_build(ctx, s, facts[s.pk]) for s in students]


def _secondary_part(results: dict, subjects, teachers: dict[int, str], ruleset: str) -> dict:
    year_data = results.get(YEAR) or {}
    final = results.get(FINAL) or {}
    t1, t2 = results.get(TERM1) or {}, results.get(TERM2) or {}

    def value(code: str, period: str):
        for source in (year_data, t1 if period == TERM1 else t2 if period == TERM2 else {}):
            item = (source.get("subjects") or {}).get(code) or {}
            if item.get(period) is not None:
                return item[period]
        return None

    rows = []
    for s in subjects:
        retest = ((final.get("subjects") or {}).get(s.code) or {}).get("retest")
        if retest is None:
            retest = ((year_data.get("subjects") or {}).get(s.code) or {}).get("retest")
        rows.append(
            {
                "code": s.code,
                "name": nfc(s.name),
                "term1": score_text(value(s.code, TERM1)),
                "term2": score_text(value(s.code, TERM2)),
                "year": score_text(value(s.code, YEAR)),
                "retest": score_text(retest),
                "teacher": teachers.get(s.id, ""),
            }
        )
    learning = year_data.get("learning") or {}
    training = year_data.get("training") or {}
    terms_training = year_data.get("training_terms") or {}
    final_learning = (final.get("learning") or {}).get("year_after_retest")
    final_training = (final.get("training") or {}).get("year_after_summer")
    decision = final.get("final_decision") or year_data.get("decision")
    a1, a2 = t1.get("absences"), t2.get("absences")
    total = year_data.get("absences")
    return {
        "subjects": rows,
        "training": {
            "term1": _level(terms_training.get(TERM1) or (t1.get("training") or {}).get(TERM1)),
            "term2": _level(terms_training.get(TERM2) or (t2.get("training") or {}).get(TERM2)),
            "year": _level(training.get("year")),
            "summer": _level(final_training or training.get("year_after_summer")),
        },
        "learning": {
            "term1": _level(learning.get(TERM1) or (t1.get("learning") or {}).get(TERM1)),
            "term2": _level(learning.get(TERM2) or (t2.get("learning") or {}).get(TERM2)),
            "year": _level(learning.get("year")),
            "after_retest": _level(final_learning or learning.get("year_after_retest")),
        },
        "absences": {
            "term1": "" if a1 is None else str(a1),
            "term2": "" if a2 is None else str(a2),
            "total": "" if total is None else str(total),
        },
        "title_award": title_label((final or year_data).get("title"), ruleset),
        "decision": DECISION_LABELS.get(decision, "") if decision else "",
    }


def _primary_part(results: dict, subjects, comments, ruleset: str) -> dict:
    year_data = results.get(YEAR) or {}
    rows = []
    for s in subjects:
        item = (year_data.get("subjects") or {}).get(s.code) or {}
        rows.append(
            {
                "code": s.code,
                "name": nfc(s.name),
                "level": PRIMARY_LEVEL_LABELS.get(item.get("level") or "", ""),
                "test": score_text(item.get("test")) if s.tested else "",
                "comment": comments.get((s.id, 2), ""),
            }
        )
    traits = {}
    for kind in ("qualities", "competencies"):
        levels = year_data.get(kind) or {}
        traits[kind] = [
            {
                "code": code,
                "name": TRAIT_NAMES[kind][code][:1].upper() + TRAIT_NAMES[kind][code][1:],
                "level": TRAIT_LEVEL_LABELS.get(levels.get(code) or "", ""),
            }
            for code in TRAIT_CODES[kind]
        ]
    completed = year_data.get("completed")
    note = year_data.get("transcript_note") or ""
    if completed is True:
        completion = note or "Hoàn thành chương trình lớp học, được lên lớp"
    elif completed is False:
        completion = "Chưa hoàn thành chương trình lớp học"
    else:
        completion = ""
    absences = year_data.get("absences")
    return {
        "subjects": rows,
        "qualities": traits["qualities"],
        "competencies": traits["competencies"],
        "education_result": OVERALL_LABELS.get(year_data.get("overall") or "", ""),
        "title_award": title_label(year_data.get("title"), ruleset),
        "completion": completion,
        "absences": {"term1": "", "term2": "", "total": "" if absences is None else str(absences)},
    }


def qr_png(text: str) -> bytes:
    """A QR code (error correction M, no quiet zone: the footer leaves white around it) as a PNG
    of one pixel per module, scaled without smoothing by Typst. The mask is fixed (mask 0, valid
    for every reader) because segno's choice of the best mask costs ~5 ms per code."""
    import io

    buf = io.BytesIO()
    segno.make_qr(text, error="m", mask=0, boost_error=False).save(
        buf, kind="png", border=0, scale=1
    )
    return buf.getvalue()


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
        doc["verification"] = {"code": verification["code"], "url": verification["url"]}
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
            doc["verification"] = {"code": v["code"], "url": v["url"], "image": f"img-qr{i}"}
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
