"""The content of a transcript (học bạ): what it shows, as data, built by transcripts itself.

Student, class, year, rule set, the approved grade-book results (scores as the rule set wrote
them, codes of levels, titles and decisions), comments, absences, the names of the signers. Raw
values only: no label, no "8,0", no "05/09/2026" — dates are ISO, numbers canonical strings,
levels and decisions their codes. ``hoso.printing`` lays it out (``transcript_layout``) and
formatting changes there never change ``content_hash``.

Only periods the principal has approved are part of the record; the others are listed in
``pending`` (their codes) and their values stay empty.

A student who left the school during the year (transfer out, dropout — not a class change) gets
the extract at the leaving date (content version 3): ``left`` (date, status, destination), the
periods that had not ended when the student left in ``not_completed`` (never pending, never
filled in later: the class's later approvals do not change the extract), and under ``extract``
what existed at the date: the grade-book cells of those terms per subject and the absences so
far. Periods that ended before the student left and are not approved stay pending.

``CONTENT_VERSION`` names the shape and the hash formula: bump it when the content gains, loses or
changes a field, and keep the comparison of older versions in ``actions`` (docs/TRANSCRIPTS.md).
Version 1 was the hash of the printed data (before this module existed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from hoso.assessment.rules import capabilities_for
from hoso.attendance.selectors import settings_for, totals_spans
from hoso.core.errors import DomainError
from hoso.core.text import in_sentence, nfc
from hoso.gradebook.comments.models import SubjectComment
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.results.compute import (
    FINAL,
    TERM1,
    TERM2,
    TRAIT_CODES,
    YEAR,
    class_ruleset,
    offerings_by_grade,
    period_label,
    periods_for,
)
from hoso.gradebook.results.models import ClassResult, HomeroomInput, StudentResult
from hoso.organisation.assignments.selectors import (
    homeroom_teacher_of,
    reference_day,
)
from hoso.organisation.models import Position, Staff, Subject, TeachingAssignment, Term
from hoso.printing.errors import PrintingError
from hoso.students.models import Enrolment, RegisterEntry, StudentGuardian

CONTENT_VERSION = 3
LEGACY_VERSION = 1  # the hash of the printed data (hoso.printing's transcript_data)
#: the keys version 3 added (present only for a student who left the school during the year)
V3_KEYS = ("left", "not_completed", "extract")

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RELATION_ORDER = {"father": 0, "mother": 1, "guardian": 2}


def content_hash_as(content: dict, version: int) -> str | None:
    """The hash ``content`` (built now, current version) would have under the formula of an
    older content ``version`` (2 on), so a version drafted under it is compared by its own
    formula. None when that version cannot express the content (a leaver's extract is new in
    version 3): the data did change."""
    if version >= CONTENT_VERSION:
        return content_hash(content)
    if version == 2:
        if any(key in content for key in V3_KEYS):
            return None
        return content_hash(content | {"content_version": 2})
    raise ValueError(f"content version {version} has no formula here")


def periods_in_words(transcripts) -> str:
    """The periods still pending in ``transcripts`` (their content), in the year's order and in
    words: "học kỳ I, cả năm" — for the board's banner and the signing refusal."""
    order = [TERM1, TERM2, YEAR, FINAL]
    codes: dict[str, str] = {}
    for t in transcripts:
        ruleset = ((t.data or {}).get("ruleset") or {}).get("code") or ""
        for code in (t.data or {}).get("pending") or []:
            codes.setdefault(code, ruleset)
    ranked = sorted(codes, key=lambda c: order.index(c) if c in order else len(order))
    return ", ".join(in_sentence(period_label(c, codes[c])) for c in ranked)


def leaving_in_words(content: dict) -> dict | None:
    """A leaver's content (version 3) for the class board: when, where to, and the periods not
    completed at the leaving date in words ("học kỳ I, học kỳ II, cả năm"); None otherwise."""
    left = content.get("left")
    if not left:
        return None
    ruleset = (content.get("ruleset") or {}).get("code") or ""
    return {
        "on": dt.date.fromisoformat(left["on"]),
        "to": left.get("to") or "",
        "not_completed": ", ".join(
            in_sentence(period_label(code, ruleset)) for code in content.get("not_completed") or []
        ),
    }


def canonical_json(content: dict) -> bytes:
    """Sorted keys, no spaces, UTF-8 (marks kept as is)."""
    return json.dumps(
        content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


def content_hash(content: dict) -> str:
    """SHA-256 of the canonical JSON of the content: the data hash stored and signed."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def raw(value):
    """A score or count as data: Decimals and numbers as canonical strings, text as is."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, float):
        return str(Decimal(repr(value)))
    if isinstance(value, int | Decimal):
        return str(value)
    return value


def iso(value) -> str | None:
    """A date (or an aware datetime, as its local date) in ISO form."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.astimezone(VN_TZ).date()
    return value.isoformat()


def person_name(obj) -> str:
    if obj is None:
        return ""
    return nfc(" ".join(p for p in (obj.family_name, obj.middle_name, obj.given_name) if p))


def _choose(rows: list[Enrolment]) -> Enrolment:
    """The student's class of the year among its enrolments: the current one, else the last
    (the class it left the school from)."""
    current = [e for e in rows if e.end_date is None]
    if current:
        return max(current, key=lambda e: (e.start_date, e.pk))
    return max(rows, key=lambda e: (e.end_date, e.start_date, e.pk))


def student_enrolment(student, year) -> Enrolment:
    """The student's class in ``year``: the current enrolment, else the last one."""
    rows = list(
        Enrolment.objects.filter(student=student, year=year).select_related(
            "school_class__grade", "school_class__year"
        )
    )
    if not rows:
        raise DomainError(PrintingError.NO_CLASS, "Học sinh không học lớp nào trong năm học này.")
    return _choose(rows)


@dataclass(frozen=True)
class _Left:
    """How a student left the school during the year (from the ended enrolment)."""

    on: dt.date  # the first day no longer at the school (the enrolment's end date)
    status: str
    to: str

    def as_content(self) -> dict:
        return {"on": iso(self.on), "status": self.status, "to": self.to or None}


def _left(enrolment: Enrolment | None) -> _Left | None:
    if enrolment is None or not enrolment.left_school:
        return None
    return _Left(on=enrolment.end_date, status=enrolment.status, to=enrolment.destination)


def _teacher_names(school_class, day: dt.date | None = None, *, rows=None) -> dict[int, str]:
    """Subject id → the teacher of the subject in the class (term II's, else term I's), on
    ``day`` or the year's reference day (a closed year: its final teachers). ``rows``: the
    class's teaching rows already read (``_class_teaching``)."""
    out: dict[int, tuple[int, str]] = {}
    day = day or reference_day(school_class.year)
    for ta in _class_teaching(school_class) if rows is None else rows:
        if not ta.is_in_force(day):
            continue
        rank = ta.term.number
        if ta.subject_id not in out or rank > out[ta.subject_id][0]:
            out[ta.subject_id] = (rank, person_name(ta.teacher))
    return {k: v[1] for k, v in out.items()}


def _class_teaching(school_class) -> list:
    """Every teaching row of the class (any date), for ``_teacher_names(rows=...)``."""
    return list(
        TeachingAssignment.objects.filter(school_class=school_class).select_related(
            "teacher", "term"
        )
    )


def _principal(school) -> Staff | None:
    return (
        Staff.objects.filter(school=school, position=Position.PRINCIPAL, is_active=True)
        .order_by("pk")
        .first()
    )


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
    terms: dict = field(default_factory=dict)  # term number → Term
    teaching: list = field(default_factory=list)  # the class's teaching rows, any date


def _class_context(school_class, year) -> _ClassContext:
    ruleset = class_ruleset(school_class)
    try:
        from hoso.assessment.rules import get_ruleset

        default_version = get_ruleset(ruleset).version_label
    except LookupError:
        default_version = ruleset
    teaching = _class_teaching(school_class)
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
        teachers=_teacher_names(school_class, rows=teaching),
        homeroom=person_name(homeroom_teacher_of(school_class)),
        principal=person_name(_principal(year.school)),
        default_version=default_version,
        terms={t.number: t for t in Term.objects.filter(year=year)},
        teaching=teaching,
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
    left: _Left | None = None
    # a leaver's own: the teachers on the last day at school, the grade-book cells
    # {term number: {subject id: {column: value}}} and the absences {term number: dict}
    teachers: dict | None = None
    cells: dict = field(default_factory=dict)
    absences: dict = field(default_factory=dict)


def _load_facts(
    ctx: _ClassContext, students, *, enrolments: dict[int, list[Enrolment]] | None = None
) -> dict[int, _Facts]:
    """The students' own rows; ``enrolments`` (student id → their enrolments in the year), when
    the caller has read them already."""
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
            (RELATION_ORDER.get(link.relation, 9), nfc(link.guardian.full_name), link.relation)
        )
    for student_id, items in links.items():
        facts[student_id].guardians = [
            {"relation": relation, "name": name} for _, name, relation in sorted(items)
        ]
    for student_id, number in RegisterEntry.objects.filter(student_id__in=ids).values_list(
        "student_id", "number"
    ):
        facts[student_id].register_number = str(number)
    if enrolments is None:
        enrolments = {}
        for e in Enrolment.objects.filter(student_id__in=ids, year=ctx.year):
            enrolments.setdefault(e.student_id, []).append(e)
    for student_id in ids:
        if enrolments.get(student_id):
            facts[student_id].left = _left(_choose(enrolments[student_id]))
    leavers = [pk for pk in ids if facts[pk].left is not None]
    if leavers:
        _load_extracts(ctx, {pk: facts[pk] for pk in leavers})
    return facts


# Which term a period ends with: term I for its own results, term II for the rest.
PERIOD_TERM = {TERM1: 1, TERM2: 2, YEAR: 2, FINAL: 2}


def _not_completed(ctx: _ClassContext, left: _Left | None) -> list[str]:
    """The periods of the rule set that had not ended when the student left: the end of the
    period's term is on or after the leaving date (the first day away)."""
    if left is None:
        return []
    out = []
    for period in periods_for(ctx.ruleset):
        term = ctx.terms.get(PERIOD_TERM.get(period, 2))
        if term is not None and term.end_date >= left.on:
            out.append(period)
    return out


def _extract_terms(ctx: _ClassContext, left: _Left) -> list[int]:
    """The terms of the periods not completed that had started before the student left."""
    numbers = {PERIOD_TERM.get(p, 2) for p in _not_completed(ctx, left)}
    return sorted(n for n in numbers if n in ctx.terms and ctx.terms[n].start_date < left.on)


def _load_extracts(ctx: _ClassContext, leavers: dict[int, _Facts]) -> None:
    """What existed for the leavers at their leaving date: grade-book cells of the terms not
    completed (every class of the year), absences so far, the teachers of their last day."""
    attendance = settings_for(ctx.year.school_id)
    daily = attendance.source == "daily"
    typed = {}
    if not daily:
        typed = {
            hi.student_id: hi
            for hi in HomeroomInput.objects.filter(student_id__in=list(leavers), year=ctx.year)
        }
    teaching = ctx.teaching
    wanted: dict[int, list[int]] = {}
    spans: dict[tuple[int, int], tuple] = {}
    for student_id, facts in leavers.items():
        left = facts.left
        facts.teachers = _teacher_names(
            ctx.school_class, left.on - dt.timedelta(days=1), rows=teaching
        )
        numbers = _extract_terms(ctx, left)
        for number in numbers:
            facts.cells[number] = {}
            term = ctx.terms[number]
            if daily:
                last_day = min(term.end_date, left.on - dt.timedelta(days=1))
                spans[(student_id, number)] = (student_id, term.start_date, last_day)
            else:
                hi = typed.get(student_id)
                facts.absences[number] = {
                    "excused": raw(getattr(hi, f"excused_term{number}", None)),
                    "unexcused": raw(getattr(hi, f"unexcused_term{number}", None)),
                    "total": raw(getattr(hi, f"absences_term{number}", None)),
                }
        if numbers:
            wanted[student_id] = numbers
    # The absences of every leaver's terms so far in one query (the terms do not overlap).
    counts = totals_spans(school_id=ctx.year.school_id, spans=spans, settings=attendance)
    for student_id, number in spans:
        counted = counts.get((student_id, number))
        leavers[student_id].absences[number] = {
            "excused": raw(counted.excused if counted else 0),
            "unexcused": raw(counted.unexcused if counted else 0),
            "total": raw(counted.absent if counted else 0),
        }
    if not wanted:
        return
    # The cells of every leaver's terms in one query, each kept only for its own terms.
    for student_id, subject_id, number, column, value in (
        Assessment.objects.filter(
            student_id__in=list(wanted),
            term__year=ctx.year,
            term__number__in=sorted({n for ns in wanted.values() for n in ns}),
        )
        .exclude(value="")
        .values_list("student_id", "subject_id", "term__number", "column", "value")
    ):
        if number in wanted[student_id]:
            leavers[student_id].cells[number].setdefault(subject_id, {})[column] = nfc(value)


def _student(student, facts: _Facts) -> dict:
    return {
        "code": student.student_code,
        "personal_id": student.personal_id,
        "full_name": person_name(student),
        "gender": student.gender or "",
        "birth_date": iso(student.birth_date),
        "birth_place": nfc(student.birth_place),
        "ethnicity": nfc(student.ethnicity),
        "nationality": nfc(student.nationality),
        "address": nfc(student.address),
        "register_number": facts.register_number,
        "guardians": facts.guardians,
    }


def _build(ctx: _ClassContext, student, facts: _Facts) -> dict:
    school_class, year, ruleset = ctx.school_class, ctx.year, ctx.ruleset
    school = year.school
    not_completed = _not_completed(ctx, facts.left)
    # A leaver's periods not completed stay out of the record even if the class's are approved
    # later: the extract at the leaving date does not change with the others' year.
    results = {p: v for p, v in facts.results.items() if p not in not_completed}
    versions = {p: v for p, v in facts.versions.items() if p not in not_completed}
    version = next((versions[p] for p in (FINAL, YEAR, TERM2, TERM1) if p in versions), "")
    year_cr = None
    if YEAR not in not_completed:
        year_cr = ctx.class_results.get(FINAL) or ctx.class_results.get(YEAR)
    content = {
        "content_version": CONTENT_VERSION,
        "school": {
            "office": nfc(school.office_name),
            "name": nfc(school.name),
            "address": nfc(school.address),
            "head_title": nfc(school.head_title),
        },
        "approved_on": iso(year_cr.approved_at) if year_cr else None,
        "student": _student(student, facts),
        "year": year.name,
        "class": nfc(school_class.name),
        "grade": school_class.grade.number,
        "level": school_class.grade.level,
        "ruleset": {"code": ruleset, "version": version or ctx.default_version},
        "pending": [p for p in periods_for(ruleset) if p not in results and p not in not_completed],
        "homeroom_comment": facts.homeroom_comment,
        "signers": {"homeroom": ctx.homeroom, "principal": ctx.principal},
    }
    teachers = ctx.teachers if facts.teachers is None else facts.teachers
    if capabilities_for(ruleset).by_checkpoints:
        content.update(_primary_part(results, ctx.subjects, facts.comments))
    else:
        content.update(_secondary_part(results, ctx.subjects, teachers))
    if facts.left is not None:
        content["left"] = facts.left.as_content()
        content["not_completed"] = not_completed
        content["extract"] = _extract(ctx, facts)
    return content


def _extract(ctx: _ClassContext, facts: _Facts) -> dict:
    """The leaver's grade book at the leaving date: per term not completed, every subject of
    the class (then any other subject with cells, by code) with its cells by column as entered
    (raw values), and the absences so far."""
    known = {s.id for s in ctx.subjects}
    extra_ids = {sid for cells in facts.cells.values() for sid in cells if sid not in known}
    extras = sorted(Subject.objects.filter(pk__in=extra_ids), key=lambda s: (s.code, s.pk))
    terms = []
    for number in sorted(facts.cells):
        cells = facts.cells[number]
        rows = [
            {
                "code": s.code,
                "name": nfc(s.name),
                "cells": dict(sorted(cells.get(s.id, {}).items())),
            }
            for s in [*ctx.subjects, *extras]
            if s.id in known or cells.get(s.id)
        ]
        terms.append({"term": number, "subjects": rows, "absences": facts.absences[number]})
    return {"on": iso(facts.left.on), "terms": terms}


def transcript_content(*, student, year) -> dict:
    """The content of the student's transcript for ``year`` (JSON-serialisable, deterministic:
    no timestamp other than the approval date, stable order)."""
    enrolment = student_enrolment(student, year)
    ctx = _class_context(enrolment.school_class, year)
    return _build(ctx, student, _load_facts(ctx, [student])[student.pk])


def class_transcripts_content(*, school_class, students) -> list[dict]:
    """``transcript_content`` of many students of one class (their class in its year), the
    shared parts loaded once and the rest in bulk: the same dicts, far fewer queries."""
    ctx = _class_context(school_class, school_class.year)
    facts = _load_facts(ctx, students)
    return [_build(ctx, s, facts[s.pk]) for s in students]


def transcripts_content_many(*, students, year) -> dict[int, dict]:
    """``transcript_content`` of many students of ``year`` (student id → content), grouped by
    the class each one's content is built for (``student_enrolment``) and built a class at a
    time (``class_transcripts_content``). A student without a class in the year raises as
    ``transcript_content`` does."""
    rows: dict[int, list[Enrolment]] = {}
    for e in Enrolment.objects.filter(
        student_id__in=[s.pk for s in students], year=year
    ).select_related("school_class__grade", "school_class__year__school"):
        rows.setdefault(e.student_id, []).append(e)
    by_class: dict[int, tuple] = {}
    for student in students:
        if student.pk not in rows:
            raise DomainError(
                PrintingError.NO_CLASS, "Học sinh không học lớp nào trong năm học này."
            )
        school_class = _choose(rows[student.pk]).school_class
        by_class.setdefault(school_class.pk, (school_class, []))[1].append(student)
    out: dict[int, dict] = {}
    for school_class, members in by_class.values():
        ctx = _class_context(school_class, school_class.year)
        facts = _load_facts(ctx, members, enrolments=rows)
        contents = [_build(ctx, s, facts[s.pk]) for s in members]
        out.update((s.pk, c) for s, c in zip(members, contents, strict=True))
    return out


def _secondary_part(results: dict, subjects, teachers: dict[int, str]) -> dict:
    year_data = results.get(YEAR) or {}
    final = results.get(FINAL) or {}
    t1, t2 = results.get(TERM1) or {}, results.get(TERM2) or {}

    def value(code: str, period: str):
        for source in (year_data, t1 if period == TERM1 else t2 if period == TERM2 else {}):
            item = (source.get("subjects") or {}).get(code) or {}
            if item.get(period) is not None:
                return raw(item[period])
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
                "term1": value(s.code, TERM1),
                "term2": value(s.code, TERM2),
                "year": value(s.code, YEAR),
                "retest": raw(retest),
                "teacher": teachers.get(s.id, ""),
            }
        )
    learning = year_data.get("learning") or {}
    training = year_data.get("training") or {}
    terms_training = year_data.get("training_terms") or {}
    final_learning = (final.get("learning") or {}).get("year_after_retest")
    final_training = (final.get("training") or {}).get("year_after_summer")
    return {
        "subjects": rows,
        "training": {
            "term1": terms_training.get(TERM1) or (t1.get("training") or {}).get(TERM1) or None,
            "term2": terms_training.get(TERM2) or (t2.get("training") or {}).get(TERM2) or None,
            "year": training.get("year") or None,
            "summer": final_training or training.get("year_after_summer") or None,
        },
        "learning": {
            "term1": learning.get(TERM1) or (t1.get("learning") or {}).get(TERM1) or None,
            "term2": learning.get(TERM2) or (t2.get("learning") or {}).get(TERM2) or None,
            "year": learning.get("year") or None,
            "after_retest": final_learning or learning.get("year_after_retest") or None,
        },
        "absences": {
            "term1": raw(t1.get("absences")),
            "term2": raw(t2.get("absences")),
            "total": raw(year_data.get("absences")),
        },
        "title": (final or year_data).get("title") or None,
        "decision": final.get("final_decision") or year_data.get("decision") or None,
    }


def _primary_part(results: dict, subjects, comments) -> dict:
    year_data = results.get(YEAR) or {}
    rows = []
    for s in subjects:
        item = (year_data.get("subjects") or {}).get(s.code) or {}
        rows.append(
            {
                "code": s.code,
                "name": nfc(s.name),
                "level": item.get("level") or None,
                "tested": bool(s.tested),
                "test": raw(item.get("test")) if s.tested else None,
                "comment": comments.get((s.id, 2), ""),
            }
        )
    traits = {}
    for kind in ("qualities", "competencies"):
        levels = year_data.get(kind) or {}
        traits[kind] = [
            {"code": code, "level": levels.get(code) or None} for code in TRAIT_CODES[kind]
        ]
    completed = year_data.get("completed")
    return {
        "subjects": rows,
        "qualities": traits["qualities"],
        "competencies": traits["competencies"],
        "overall": year_data.get("overall") or None,
        "title": year_data.get("title") or None,
        "completed": completed if isinstance(completed, bool) else None,
        "completion_note": year_data.get("transcript_note") or "",
        "absences": {"term1": None, "term2": None, "total": raw(year_data.get("absences"))},
    }
