"""Writes of the results area: the homeroom teacher's inputs (rèn luyện, nghỉ học, nhận xét,
kết quả rèn luyện hè và kiểm tra lại; at primary schools phẩm chất, năng lực per checkpoint and
the class's recognition for Học sinh Tiêu biểu), confirming a class result (GVCN xác nhận),
withdrawing the confirmation, approving it (Hiệu trưởng phê duyệt, which freezes the results) and
recomputing on request. Each is audited in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.accounts.roles import Role
from hoso.assessment.rules import InvalidScore, validate_score
from hoso.audit.actions import audit_record
from hoso.core import clock, events
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import fold, in_sentence, nfc
from hoso.gradebook.events import ResultsChanged
from hoso.gradebook.results.absences import from_attendance, sync_absences
from hoso.gradebook.results.compute import (
    CHECKPOINT_LABELS,
    FINAL,
    TERM1,
    TERM2,
    TRAIT_CHECKPOINTS,
    TRAIT_CODES,
    TRAIT_KINDS,
    TRAIT_NAMES,
    YEAR,
    RecomputeSummary,
    ResultRow,
    available_periods,
    build_lists,
    class_rules,
    is_homeroom_of,
    offerings_by_grade,
    period_label,
    recompute_class,
    recompute_school,
)
from hoso.gradebook.results.errors import ResultsError
from hoso.gradebook.results.models import ClassResult, HomeroomInput, StudentResult
from hoso.gradebook.results.policies import can_approve_results
from hoso.notifications.actions import notify
from hoso.organisation.assignments.selectors import homeroom_teacher_of
from hoso.students.models import Enrolment

TRAINING_ALIASES = {
    "t": "T",
    "tot": "T",
    "k": "K",
    "kha": "K",
    "d": "D",
    "dat": "D",
    "cd": "CD",
    "chua dat": "CD",
}
COMMENT_ALIASES = {"d": "D", "dat": "D", "cd": "CD", "chua dat": "CD"}
TRAIT_ALIASES = {"t": "T", "tot": "T", "d": "D", "dat": "D", "c": "C", "can co gang": "C"}
YES = {"1", "on", "true", "co", "x"}
NO = {"", "0", "off", "false", "khong"}
MAX_ABSENCES = 400
ABSENCES_FROM_ATTENDANCE = (
    "Số buổi nghỉ lấy từ điểm danh hằng ngày, không nhập tay được (muốn nhập tay, nhà trường "
    "chọn nguồn “Nhập tổng số mỗi học kỳ” trong thiết lập điểm danh)."
)
TERM_FIELDS = {
    TERM1: ("training_term1", "absences_term1"),
    TERM2: ("training_term2", "absences_term2"),
}
FIELD_LABELS = {
    "training_term1": "Rèn luyện HK I",
    "training_term2": "Rèn luyện HK II",
    "absences_term1": "Nghỉ HK I",
    "absences_term2": "Nghỉ HK II",
    "training_summer": "Rèn luyện hè",
    "general_comment": "Nhận xét",
    "retest": "Kiểm tra lại",
    "class_recognised": "Tập thể lớp công nhận (Học sinh Tiêu biểu)",
}
TRAIT_FIELDS = tuple(f"{kind}_{cp}" for kind in TRAIT_KINDS for cp in TRAIT_CHECKPOINTS)
FIELD_LABELS.update(
    {
        f"{kind}_{cp}": f"{what} {in_sentence(CHECKPOINT_LABELS[cp])}"
        for kind, what in (("qualities", "Phẩm chất"), ("competencies", "Năng lực"))
        for cp in TRAIT_CHECKPOINTS
    }
)


#: the longest general comment kept (refused beyond, never cut)
COMMENT_LIMIT = 2000


def trait_field(kind: str, checkpoint: str) -> str:
    """The homeroom-form field of one kind at one checkpoint: ``qualities_end2``."""
    return f"{kind}_{checkpoint}"


class InputsInvalid(DomainError):
    """Some cells of the homeroom form are not valid; ``errors`` maps (student id, field) to a
    Vietnamese message. Nothing was saved."""

    def __init__(self, errors: dict[tuple[int, str], str]):
        super().__init__(
            ResultsError.BAD_INPUT,
            f"Có {len(errors)} ô chưa hợp lệ; chưa lưu gì. Sửa các ô được đánh dấu rồi lưu lại.",
        )
        self.errors = errors


class BlockingErrors(DomainError):
    """Students whose results have errors: the class cannot be confirmed yet."""

    def __init__(self, rows: list[ResultRow]):
        names = ", ".join(r.student.full_name for r in rows[:10])
        more = f" và {len(rows) - 10} học sinh khác" if len(rows) > 10 else ""
        super().__init__(
            ResultsError.INCOMPLETE,
            f"Chưa xác nhận được: {len(rows)} học sinh còn thiếu hoặc sai dữ liệu ({names}{more}).",
        )
        self.rows = rows


def _check_open(school_class) -> None:
    if not school_class.year.writable_for("results"):
        raise DomainError(ResultsError.YEAR_CLOSED, "Năm học đã khóa: chỉ xem, không sửa.")


def _require_homeroom(actor: Actor, school_class, what: str) -> None:
    _check_open(school_class)
    if not is_homeroom_of(actor, school_class):
        raise PermissionDeniedError(
            ResultsError.NOT_ALLOWED, f"Chỉ giáo viên chủ nhiệm của lớp mới {what}."
        )


def _states(school_class) -> dict[str, str]:
    return dict(
        ClassResult.objects.filter(school_class=school_class).values_list("period", "state")
    )


def locked_fields(school_class) -> set[str]:
    """Homeroom fields frozen by an approved period (change only through a correction)."""
    approved = {p for p, s in _states(school_class).items() if s == ClassResult.State.APPROVED}
    locked: set[str] = set()
    if approved & {TERM1, YEAR}:
        locked |= set(TERM_FIELDS[TERM1])
        locked |= {trait_field(k, cp) for k in TRAIT_KINDS for cp in ("mid1", "end1")}
    if approved & {TERM2, YEAR}:
        locked |= set(TERM_FIELDS[TERM2])
    if YEAR in approved:
        locked.add("general_comment")
        locked |= {trait_field(k, cp) for k in TRAIT_KINDS for cp in ("mid2", "end2")}
        locked.add("class_recognised")
    if FINAL in approved:
        locked |= {"training_summer", "retest"}
    return locked


# ------------------------------------------------------------------------------ homeroom inputs


def _clean_training(raw: str) -> str:
    text = nfc(raw)
    if not text:
        return ""
    found = TRAINING_ALIASES.get(fold(text))
    if found is None:
        raise ValueError(f"“{text}” không phải là mức rèn luyện (T, K, Đ, CĐ).")
    return found


def _clean_absences(raw: str) -> int | None:
    text = nfc(raw)
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_ABSENCES:
        raise ValueError(
            f"“{text}” không phải là số buổi nghỉ (số nguyên từ 0 đến {MAX_ABSENCES})."
        )
    return int(text)


def _clean_retest(raw: str, assessment: str) -> str:
    text = nfc(raw)
    if not text:
        return ""
    if assessment == "comment":
        found = COMMENT_ALIASES.get(fold(text))
        if found is None:
            raise ValueError(f"“{text}” không phải là Đ (Đạt) hoặc CĐ (Chưa đạt).")
        return found
    try:
        return f"{validate_score(text):.1f}"
    except InvalidScore as exc:
        raise ValueError(exc.message) from None


def _clean_trait(raw: str) -> str:
    text = nfc(raw)
    if not text:
        return ""
    found = TRAIT_ALIASES.get(fold(text))
    if found is None:
        raise ValueError(
            f"“{text}” không phải là mức đánh giá phẩm chất, năng lực (T = Tốt, Đ = Đạt, "
            "C = Cần cố gắng)."
        )
    return found


def _clean_flag(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = fold(str(raw if raw is not None else ""))
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"“{nfc(str(raw))}” không phải là Có hoặc Không.")


def _clean_traits(
    sid: int, kind: str, raw: object, new: dict, errors: dict[tuple[int, str], str]
) -> None:
    """``raw`` maps checkpoints to {code: level}; codes absent keep their level, an empty level
    clears it. Errors go under ``(sid, "<kind>_<cp>_<code>")`` (or the checkpoint's field)."""
    if not isinstance(raw, dict):
        errors[(sid, kind)] = "Dữ liệu phẩm chất, năng lực không hợp lệ."
        return
    for checkpoint, levels in raw.items():
        name = trait_field(kind, str(checkpoint))
        if checkpoint not in TRAIT_CHECKPOINTS or not isinstance(levels, dict):
            errors[(sid, name)] = f"Mốc đánh giá “{checkpoint}” không hợp lệ."
            continue
        current = dict(new[name])
        for code, value in levels.items():
            label = TRAIT_NAMES[kind].get(code)
            if label is None:
                errors[(sid, f"{name}_{code}")] = f"Không có mục đánh giá “{code}”."
                continue
            try:
                level = _clean_trait(str(value if value is not None else ""))
            except ValueError as exc:
                errors[(sid, f"{name}_{code}")] = f"{label.capitalize()}: {exc}"
                continue
            if level:
                current[code] = level
            else:
                current.pop(code, None)
        new[name] = current


@dataclass
class InputsSaved:
    changed: int
    recompute: RecomputeSummary | None = None
    unchanged: list[int] = field(default_factory=list)


def _snapshot(hi: HomeroomInput | None) -> dict:
    """The form's fields of one student; qualities and competencies flattened per checkpoint
    (``qualities_end2`` → {code: level}) so that a diff names the checkpoint changed."""
    if hi is None:
        return {
            "training_term1": "",
            "training_term2": "",
            "training_summer": "",
            "absences_term1": None,
            "absences_term2": None,
            "retest": {},
            "general_comment": "",
            **{name: {} for name in TRAIT_FIELDS},
            "class_recognised": False,
        }
    out = {
        "training_term1": hi.training_term1,
        "training_term2": hi.training_term2,
        "training_summer": hi.training_summer,
        "absences_term1": hi.absences_term1,
        "absences_term2": hi.absences_term2,
        "retest": dict(hi.retest or {}),
        "general_comment": hi.general_comment,
        "class_recognised": hi.class_recognised,
    }
    for kind in TRAIT_KINDS:
        stored = getattr(hi, kind) or {}
        for cp in TRAIT_CHECKPOINTS:
            levels = stored.get(cp) or {}
            out[trait_field(kind, cp)] = {
                code: levels[code] for code in TRAIT_CODES[kind] if levels.get(code)
            }
    return out


def _audit_pair(name: str, old, new) -> tuple[object, object]:
    """Before/after of one changed field for the audit row: for qualities and competencies only
    the codes that changed ("" when not entered)."""
    if name in TRAIT_FIELDS:
        codes = [c for c in dict.fromkeys([*old, *new]) if old.get(c) != new.get(c)]
        return {c: old.get(c, "") for c in codes}, {c: new.get(c, "") for c in codes}
    return _short(old), _short(new)


def _apply(hi: HomeroomInput, diff: dict) -> None:
    for name, (_, value) in diff.items():
        if name not in TRAIT_FIELDS:
            setattr(hi, name, value)
            continue
        kind, cp = name.rsplit("_", 1)
        stored = dict(getattr(hi, kind) or {})
        if value:
            stored[cp] = dict(value)
        else:
            stored.pop(cp, None)
        setattr(hi, kind, stored)


def homeroom_inputs_save(
    *, actor: Actor, school_class, rows: dict[int, dict[str, object]]
) -> InputsSaved:
    """Save the homeroom grid, all or nothing, then recompute the class.

    ``rows`` maps a student id to the submitted fields: ``training_term1``, ``training_term2``,
    ``absences_term1``, ``absences_term2``, ``general_comment``, ``training_summer`` and
    ``retest`` (subject code → value) when the rule set has term training and re-tests; when it
    has checkpoint traits (TT27) ``qualities`` and ``competencies`` ({checkpoint: {code:
    level}}, levels T / Đ / C, "" clears) and ``class_recognised``. Fields absent from a row are left as they are; a field of an approved
    period must not change (``APPROVED``)."""
    _require_homeroom(actor, school_class, "nhập các kết quả này")
    rules = class_rules(school_class)
    subjects = {
        s.code: s
        for s in offerings_by_grade([school_class.grade_id]).get(school_class.grade_id, [])
    }
    active = set(
        Enrolment.objects.studying()
        .filter(school_class=school_class)
        .values_list("student_id", flat=True)
    )
    locked = locked_fields(school_class)
    daily = from_attendance(school_class.year.school_id)
    existing = {
        hi.student_id: hi
        for hi in HomeroomInput.objects.filter(year=school_class.year_id, student_id__in=active)
    }
    errors: dict[tuple[int, str], str] = {}
    changes: dict[int, dict] = {}
    for sid, raw in rows.items():
        if sid not in active:
            continue
        old = _snapshot(existing.get(sid))
        new = dict(old)
        for name in ("training_term1", "training_term2", "training_summer"):
            if name in raw and rules.term_training:
                try:
                    new[name] = _clean_training(str(raw[name] or ""))
                except ValueError as exc:
                    errors[(sid, name)] = str(exc)
        for name in ("absences_term1", "absences_term2"):
            if name in raw:
                try:
                    typed = _clean_absences(str(raw[name] if raw[name] is not None else ""))
                except ValueError as exc:
                    errors[(sid, name)] = str(exc)
                    continue
                if daily and typed != old[name]:
                    errors[(sid, name)] = ABSENCES_FROM_ATTENDANCE
                elif not daily:
                    new[name] = typed
        if "general_comment" in raw:
            comment = nfc(str(raw["general_comment"] or ""))
            if len(comment) > COMMENT_LIMIT:
                errors[(sid, "general_comment")] = (
                    f"Nhận xét dài {len(comment)} ký tự, quá giới hạn {COMMENT_LIMIT} ký tự: "
                    "hãy rút gọn."
                )
            else:
                new["general_comment"] = comment
        if "retest" in raw and rules.retest:
            retest = dict(old["retest"])
            for code, value in dict(raw["retest"] or {}).items():
                subject = subjects.get(code)
                if subject is None:
                    errors[(sid, f"retest_{code}")] = f"Môn {code} không có ở khối lớp này."
                    continue
                try:
                    cleaned = _clean_retest(str(value or ""), subject.assessment)
                except ValueError as exc:
                    errors[(sid, f"retest_{code}")] = f"Môn {subject.name}: {exc}"
                    continue
                if cleaned:
                    retest[code] = cleaned
                else:
                    retest.pop(code, None)
            new["retest"] = retest
        if rules.trait_checkpoints:
            for kind in TRAIT_KINDS:
                if kind in raw:
                    _clean_traits(sid, kind, raw[kind], new, errors)
            if "class_recognised" in raw:
                try:
                    new["class_recognised"] = _clean_flag(raw["class_recognised"])
                except ValueError as exc:
                    errors[(sid, "class_recognised")] = str(exc)
        diff = {k: (old[k], new[k]) for k in new if old[k] != new[k]}
        for name in diff:
            if name in locked:
                key = (sid, name)
                errors[key] = (
                    f"{FIELD_LABELS[name]}: kết quả đã được phê duyệt, không sửa được "
                    "(muốn sửa, đề nghị hiệu trưởng mở lại kết quả để điều chỉnh)."
                )
        if diff:
            changes[sid] = diff
    if errors:
        raise InputsInvalid(errors)
    saved = InputsSaved(changed=len(changes))
    if not changes:
        return saved
    with transaction.atomic():
        before, after = {}, {}
        for sid, diff in changes.items():
            hi = existing.get(sid) or HomeroomInput(
                student_id=sid, year_id=school_class.year_id, updated_by=actor.user
            )
            _apply(hi, diff)
            hi.updated_by = actor.user
            hi.save()
            pairs = {k: _audit_pair(k, *v) for k, v in diff.items()}
            before[str(sid)] = {k: v[0] for k, v in pairs.items()}
            after[str(sid)] = {k: v[1] for k, v in pairs.items()}
        what = (
            "Phẩm chất, năng lực, nghỉ học, nhận xét"
            if rules.trait_checkpoints
            else "Rèn luyện, nghỉ học, nhận xét"
        )
        audit_record(
            event_type="results.inputs_saved",
            actor=actor.user,
            school_id=actor.school_id,
            target=school_class,
            target_repr=f"{what} — lớp {school_class.name}",
            before=before,
            after=after,
        )
        saved.recompute = recompute_class(school_class, actor=actor, trigger="inputs")
    return saved


def _short(value):
    if isinstance(value, str) and len(value) > 500:
        return value[:500] + "…"
    return value


# ------------------------------------------------------------------------------ state machine


def _period(school_class, period: str) -> str:
    if period not in available_periods(school_class):
        raise DomainError(ResultsError.UNKNOWN_PERIOD, "Lớp không có kết quả cho giai đoạn này.")
    return period


def _signoff_terms(school_class, period: str) -> list[int]:
    if period == TERM1:
        return [1]
    if period == TERM2:
        return [2]
    if period == YEAR:
        return [1, 2]
    return []


def class_result_confirm(*, actor: Actor, school_class, period: str) -> ClassResult:
    """GVCN xác nhận: the homeroom teacher confirms the class result of a period. Needs no
    student with blocking errors and, for term and year results, the class signed off for the
    term(s) (every sheet confirmed by its teacher)."""
    from hoso.gradebook.signoff.actions import class_signoff_status

    _require_homeroom(actor, school_class, "xác nhận kết quả của lớp")
    _period(school_class, period)
    recompute_class(school_class, actor=actor, trigger="confirm")
    with transaction.atomic():
        cr = ClassResult.objects.select_for_update().get(school_class=school_class, period=period)
        if cr.state == ClassResult.State.APPROVED:
            raise DomainError(ResultsError.APPROVED, "Kết quả đã được hiệu trưởng phê duyệt.")
        if cr.state == ClassResult.State.CONFIRMED:
            raise DomainError(ResultsError.BAD_STATE, "Kết quả của lớp đã được xác nhận.")
        rows = [
            ResultRow(sr.student, sr.data)
            for sr in StudentResult.objects.filter(class_result=cr)
            .select_related("student")
            .order_by("student__sort_name")
        ]
        blocking = [r for r in rows if r.errors]
        if blocking:
            raise BlockingErrors(blocking)
        terms = {t.number: t for t in school_class.year.terms.all()}
        for number in _signoff_terms(school_class, period):
            status = class_signoff_status(school_class, terms[number])
            if not status.ok:
                why = "đã thay đổi sau khi xác nhận" if status.changed else "chưa xác nhận lớp"
                detail = status.problems()
                raise DomainError(
                    ResultsError.NOT_SIGNED,
                    f"Chưa xác nhận được kết quả: {terms[number]} {why}"
                    + (f" ({detail})" if detail else "")
                    + ". Các giáo viên bộ môn xác nhận cột điểm, sau đó GVCN xác nhận lớp.",
                )
        cr.state = ClassResult.State.CONFIRMED
        cr.confirmed_by, cr.confirmed_at = actor.user, clock.now()
        cr.save(update_fields=["state", "confirmed_by", "confirmed_at"])
        audit_record(
            event_type="results.confirmed",
            actor=actor.user,
            school_id=actor.school_id,
            target=cr,
            target_repr=f"Kết quả lớp {school_class.name} — {period_label(period)}",
            before={"state": ClassResult.State.DRAFT},
            after={"state": cr.state, "period": period, "students": len(rows)},
        )
    return cr


def class_result_unconfirm(*, actor: Actor, school_class, period: str) -> ClassResult:
    """The homeroom teacher withdraws its confirmation before the principal approves."""
    _require_homeroom(actor, school_class, "hủy xác nhận kết quả của lớp")
    _period(school_class, period)
    with transaction.atomic():
        cr = ClassResult.objects.select_for_update().get(school_class=school_class, period=period)
        if cr.state == ClassResult.State.APPROVED:
            raise DomainError(
                ResultsError.APPROVED, "Kết quả đã được phê duyệt: không hủy xác nhận được."
            )
        if cr.state != ClassResult.State.CONFIRMED:
            raise DomainError(ResultsError.BAD_STATE, "Kết quả của lớp chưa được xác nhận.")
        before = {"state": cr.state, "confirmed_at": cr.confirmed_at.isoformat()}
        cr.state = ClassResult.State.DRAFT
        cr.confirmed_by, cr.confirmed_at = None, None
        cr.save(update_fields=["state", "confirmed_by", "confirmed_at"])
        audit_record(
            event_type="results.unconfirmed",
            actor=actor.user,
            school_id=actor.school_id,
            target=cr,
            target_repr=f"Kết quả lớp {school_class.name} — {period_label(period)}",
            before=before,
            after={"state": cr.state, "period": period},
        )
    return cr


def class_result_approve(*, actor: Actor, school_class, period: str) -> ClassResult:
    """Hiệu trưởng phê duyệt: the results (and the lists: promotion, re-test, summer training,
    repeat, titles) are approved and frozen; they change only through a correction."""
    _check_open(school_class)
    if not can_approve_results(actor) or school_class.year.school_id != actor.school_id:
        raise PermissionDeniedError(
            ResultsError.NOT_ALLOWED, "Chỉ hiệu trưởng phê duyệt kết quả của lớp."
        )
    _period(school_class, period)
    recompute_class(school_class, actor=actor, trigger="approve")
    with transaction.atomic():
        cr = ClassResult.objects.select_for_update().get(school_class=school_class, period=period)
        if cr.state == ClassResult.State.APPROVED:
            raise DomainError(ResultsError.APPROVED, "Kết quả đã được phê duyệt.")
        if cr.state != ClassResult.State.CONFIRMED:
            raise DomainError(
                ResultsError.BAD_STATE,
                f"Lớp {school_class.name} chưa được giáo viên chủ nhiệm xác nhận "
                "(hoặc kết quả vừa thay đổi và cần xác nhận lại).",
            )
        rows = [
            ResultRow(sr.student, sr.data)
            for sr in StudentResult.objects.filter(class_result=cr).select_related("student")
        ]
        lists = build_lists(rows, period, class_rules(school_class).by_checkpoints)
        cr.state = ClassResult.State.APPROVED
        cr.approved_by, cr.approved_at = actor.user, clock.now()
        cr.save(update_fields=["state", "approved_by", "approved_at"])
        audit_record(
            event_type="results.approved",
            actor=actor.user,
            school_id=actor.school_id,
            target=cr,
            target_repr=f"Kết quả lớp {school_class.name} — {period_label(period)}",
            before={"state": ClassResult.State.CONFIRMED},
            after={
                "state": cr.state,
                "period": period,
                "students": len(rows),
                **{name: len(items) for name, items in lists.items() if items},
            },
            acting_as=actor.acting_as_for(Role.PRINCIPAL),
        )
        events.publish(
            ResultsChanged(
                school_id=actor.school_id,
                year_id=school_class.year_id,
                student_ids=tuple(row.student.pk for row in rows),
            )
        )
    return cr


# Periods whose approval rests on another: reopening a term reopens the year and the results
# after re-tests; reopening the year reopens the latter.
DEPENDENT_PERIODS = {TERM1: (YEAR, FINAL), TERM2: (YEAR, FINAL), YEAR: (FINAL,), FINAL: ()}
REOPEN_REASON_MIN = 10


def class_result_reopen(*, actor: Actor, school_class, period: str, reason: str) -> list[str]:
    """Hiệu trưởng mở lại kết quả đã phê duyệt để điều chỉnh (e.g. a wrong training result or
    absence count entered by the homeroom teacher): the period — and the periods approved on top
    of it — go back to draft, the homeroom teacher's inputs can be corrected, the class is
    confirmed and approved again. The reason is required and kept; the homeroom teacher is told.
    Returns the periods reopened."""
    _check_open(school_class)
    if not can_approve_results(actor) or school_class.year.school_id != actor.school_id:
        raise PermissionDeniedError(
            ResultsError.NOT_ALLOWED, "Chỉ hiệu trưởng mở lại kết quả đã phê duyệt."
        )
    _period(school_class, period)
    reason = nfc(reason or "").strip()
    if len(reason) < REOPEN_REASON_MIN:
        raise DomainError(
            ResultsError.BAD_INPUT,
            f"Ghi rõ lý do mở lại kết quả (ít nhất {REOPEN_REASON_MIN} ký tự).",
        )
    now = clock.now()
    reopened = []
    with transaction.atomic():
        rows = {
            cr.period: cr
            for cr in ClassResult.objects.select_for_update(of=("self",))
            .filter(school_class=school_class, period__in=(period, *DEPENDENT_PERIODS[period]))
            .select_related("approved_by")
        }
        main = rows.get(period)
        if main is None or main.state != ClassResult.State.APPROVED:
            raise DomainError(ResultsError.BAD_STATE, "Kết quả này chưa được phê duyệt.")
        for name in (period, *DEPENDENT_PERIODS[period]):
            cr = rows.get(name)
            if cr is None or cr.state != ClassResult.State.APPROVED:
                continue
            before = {
                "state": cr.state,
                "approved_by": cr.approved_by.display_name if cr.approved_by else "",
                "approved_at": cr.approved_at.isoformat() if cr.approved_at else "",
            }
            cr.state = ClassResult.State.DRAFT
            cr.confirmed_by, cr.confirmed_at = None, None
            cr.approved_by, cr.approved_at = None, None
            cr.reopened_by, cr.reopened_at, cr.reopen_reason = actor.user, now, reason
            cr.save(
                update_fields=[
                    "state",
                    "confirmed_by",
                    "confirmed_at",
                    "approved_by",
                    "approved_at",
                    "reopened_by",
                    "reopened_at",
                    "reopen_reason",
                ]
            )
            audit_record(
                event_type="results.reopened",
                actor=actor.user,
                school_id=actor.school_id,
                target=cr,
                target_repr=f"Kết quả lớp {school_class.name} — {period_label(name)}",
                before=before,
                after={"state": cr.state, "period": name, "reason": reason},
                acting_as=actor.acting_as_for(Role.PRINCIPAL),
            )
            reopened.append(name)
        events.publish(
            ResultsChanged(
                school_id=actor.school_id,
                year_id=school_class.year_id,
                student_ids=tuple(
                    StudentResult.objects.filter(class_result__in=list(rows.values()))
                    .values_list("student_id", flat=True)
                    .distinct()
                ),
            )
        )
        homeroom = _homeroom_user_of(school_class)
        if homeroom is not None:
            labels = ", ".join(in_sentence(period_label(name)) for name in reopened)
            url = reverse("gradebook:results_class_period", args=[school_class.pk, period])
            transaction.on_commit(
                lambda: notify(
                    user=homeroom,
                    school=school_class.year.school,
                    kind="results",
                    text=(
                        f"Hiệu trưởng đã mở lại kết quả lớp {school_class.name} ({labels}) để "
                        f"điều chỉnh: {reason}. Sửa xong, hãy xác nhận lại."
                    ),
                    dedupe_key=f"results.reopened:{school_class.pk}:{period}:{now.isoformat()}",
                    url=url,
                )
            )
    return reopened


def _homeroom_user_of(school_class):
    teacher = homeroom_teacher_of(school_class)
    return teacher.user if teacher and teacher.user_id else None


def class_results_approve_confirmed(*, actor: Actor, year, period: str) -> list[str]:
    """Approve every confirmed class of the year for a period; returns the class names."""
    from hoso.organisation.models import SchoolClass

    if not can_approve_results(actor) or year.school_id != actor.school_id:
        raise PermissionDeniedError(
            ResultsError.NOT_ALLOWED, "Chỉ hiệu trưởng phê duyệt kết quả của lớp."
        )
    done = []
    confirmed = ClassResult.objects.filter(
        school_class__year=year, period=period, state=ClassResult.State.CONFIRMED
    ).values_list("school_class_id", flat=True)
    for school_class in SchoolClass.objects.filter(pk__in=list(confirmed)).select_related(
        "grade", "year"
    ):
        try:
            class_result_approve(actor=actor, school_class=school_class, period=period)
        except DomainError:
            continue  # changed since it was confirmed: left for the homeroom teacher
        done.append(school_class.name)
    return done


def class_results_recompute(*, actor: Actor, school_class) -> RecomputeSummary:
    """Tính lại on request (homeroom teacher or leaders): approved periods are not touched."""
    _check_open(school_class)
    sync_absences(school_class.year, [school_class.pk])  # "daily" schools: from the rolls
    return recompute_class(school_class, actor=actor, trigger="manual")


def school_results_recompute(*, actor: Actor, year) -> int:
    """Tính lại toàn trường (principal, vice principal)."""
    if not year.writable_for("results"):
        raise DomainError(ResultsError.YEAR_CLOSED, "Năm học đã khóa: chỉ xem, không sửa.")
    if not actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL) or year.school_id != actor.school_id:
        raise PermissionDeniedError(
            ResultsError.NOT_ALLOWED, "Chỉ lãnh đạo nhà trường tính lại kết quả toàn trường."
        )
    sync_absences(year, year.classes.values_list("pk", flat=True))
    return recompute_school(year, actor=actor, trigger="manual")
