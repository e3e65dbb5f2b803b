"""Every write of completion and graduation: keyword-only, one transaction, audited.

A round: created (≤ 2 a year for the general programme, the second only after the first was
recognised and before the next year starts) → council members added → reviewed (the council
valid: ≥ 7 members, an odd number, the principal in the chair; every student evaluated) →
dossiers ticked and age exceptions recorded (re-evaluated at once) → proposed to the superior
body → the recognition decision recorded (recognised students' grade-9 enrolments get the outcome
COMPLETED: they leave the active roll next year and stay in the registers).

The diploma-issue book: entries numbered per book (one book per school and year), numbers never
reused; corrections and voidings audited, nothing deleted.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError, bounded
from hoso.core.text import nfc
from hoso.graduation import conditions, selectors
from hoso.graduation.errors import GraduationError as E
from hoso.graduation.models import (
    Candidate,
    CouncilMember,
    DiplomaBook,
    DiplomaEntry,
    GraduationRound,
    Programme,
)
from hoso.graduation.policies import can_manage
from hoso.organisation.models import Position, SchoolYear, Staff
from hoso.students.models import Enrolment, Student

S = GraduationRound.State
MIN_COUNCIL = 7


def _require_manage(actor: Actor, what: str) -> None:
    if not can_manage(actor):
        log_denied(actor, kind="forbidden", what=f"graduation {what}")
        raise PermissionDeniedError(E.FORBIDDEN, "Bạn không có quyền thực hiện thao tác này.")


def _own(actor: Actor, obj_school_id: int) -> None:
    if obj_school_id != actor.school_id:
        raise DomainError(E.BAD_INPUT, "Dữ liệu không thuộc trường này.")


def _lock(rnd: GraduationRound) -> GraduationRound:
    return (
        GraduationRound.objects.select_for_update().select_related("year", "school").get(pk=rnd.pk)
    )


def _state(rnd: GraduationRound, *allowed: str) -> None:
    if rnd.state not in allowed:
        raise DomainError(
            E.WRONG_STATE,
            f"Đợt xét đang ở bước “{rnd.get_state_display()}”: không làm được thao tác này.",
        )


def _round_repr(rnd: GraduationRound) -> str:
    return f"Xét công nhận tốt nghiệp THCS đợt {rnd.number}, năm học {rnd.year.name}"


# ------------------------------------------------------------------------ rounds


def round_create(
    *, actor: Actor, year: SchoolYear, review_date: date, council_decision: str = ""
) -> GraduationRound:
    """Open the next round of ``year``."""
    _require_manage(actor, "round_create")
    _own(actor, year.school_id)
    school = year.school
    if not selectors.offers_lower_secondary(school):
        raise DomainError(
            E.NOT_LOWER_SECONDARY, "Trường không có cấp trung học cơ sở: không xét tốt nghiệp."
        )
    programme = selectors.programme_of(school)
    with transaction.atomic():
        SchoolYear.objects.select_for_update().get(pk=year.pk)
        previous = list(GraduationRound.objects.filter(year=year).order_by("number"))
        number = len(previous) + 1
        if programme == Programme.GENERAL and number > conditions.max_rounds_general():
            raise DomainError(
                E.ROUND_LIMIT,
                f"Chương trình giáo dục phổ thông xét tốt nghiệp tối đa "
                f"{conditions.max_rounds_general()} đợt mỗi năm học.",
            )
        if previous and previous[-1].state != S.RECOGNISED:
            raise DomainError(
                E.ROUND_ORDER,
                f"Đợt {previous[-1].number} chưa có quyết định công nhận: chưa mở đợt sau được.",
            )
        if previous and review_date <= (previous[-1].decision_date or previous[-1].review_date):
            raise DomainError(E.ROUND_DATE, "Ngày xét của đợt sau phải sau đợt trước.")
        nxt = selectors.following_year(year)
        if number >= 2 and nxt is not None and review_date >= nxt.start_date:
            raise DomainError(
                E.ROUND_DATE,
                f"Đợt {number} phải xét trước khi năm học {nxt.name} bắt đầu "
                f"({nxt.start_date:%d/%m/%Y}).",
            )
        if review_date < year.start_date:
            raise DomainError(E.ROUND_DATE, "Ngày xét phải trong hoặc sau năm học.")
        rnd = GraduationRound.objects.create(
            school=school,
            year=year,
            number=number,
            programme=programme,
            review_date=review_date,
            council_decision=bounded(
                nfc(council_decision).strip(), 120, what="Quyết định thành lập hội đồng"
            ),
            created_by=actor.user,
            created_at=clock.now(),
        )
        # The council carries over from the previous round (its members may change).
        if previous:
            for m in previous[-1].members.all():
                CouncilMember.objects.create(
                    round=rnd, staff_id=m.staff_id, role=m.role, kind=m.kind
                )
        audit_record(
            event_type="graduation.round_created",
            actor=actor.user,
            school_id=school.pk,
            target=rnd,
            target_repr=_round_repr(rnd),
            after={
                "year": year.name,
                "number": number,
                "programme": programme,
                "review_date": review_date.isoformat(),
                "council_decision": rnd.council_decision,
            },
        )
    return rnd


def council_member_add(
    *, actor: Actor, rnd: GraduationRound, staff: Staff, role: str, kind: str
) -> CouncilMember:
    _require_manage(actor, "council_member_add")
    _own(actor, rnd.school_id)
    if staff.school_id != rnd.school_id or not staff.is_active:
        raise DomainError(E.MEMBER_NOT_STAFF, "Thành viên phải là cán bộ đang công tác tại trường.")
    if role not in CouncilMember.Role.values or kind not in CouncilMember.Kind.values:
        raise DomainError(E.BAD_INPUT, "Nhiệm vụ hoặc thành phần không hợp lệ.")
    with transaction.atomic():
        rnd = _lock(rnd)
        _state(rnd, S.DRAFT, S.REVIEWED)
        if rnd.members.filter(staff=staff).exists():
            raise DomainError(E.MEMBER_DUPLICATE, f"{staff.full_name} đã có trong hội đồng.")
        member = CouncilMember.objects.create(round=rnd, staff=staff, role=role, kind=kind)
        if rnd.state == S.REVIEWED:  # the council changed: the review must be done again
            rnd.state = S.DRAFT
            rnd.save(update_fields=["state"])
        audit_record(
            event_type="graduation.council_changed",
            actor=actor.user,
            school_id=rnd.school_id,
            target=rnd,
            target_repr=_round_repr(rnd),
            after={
                "added": staff.full_name,
                "role": member.get_role_display(),
                "kind": member.get_kind_display(),
            },
        )
    return member


def council_member_remove(*, actor: Actor, member: CouncilMember) -> None:
    _require_manage(actor, "council_member_remove")
    _own(actor, member.round.school_id)
    with transaction.atomic():
        rnd = _lock(member.round)
        _state(rnd, S.DRAFT, S.REVIEWED)
        before = {
            "removed": member.staff.full_name,
            "role": member.get_role_display(),
            "kind": member.get_kind_display(),
        }
        member.delete()
        if rnd.state == S.REVIEWED:
            rnd.state = S.DRAFT
            rnd.save(update_fields=["state"])
        audit_record(
            event_type="graduation.council_changed",
            actor=actor.user,
            school_id=rnd.school_id,
            target=rnd,
            target_repr=_round_repr(rnd),
            before=before,
        )


def council_problems(rnd: GraduationRound) -> list[str]:
    """Why the council cannot review (TT 31/2023 Điều 7): empty when it can."""
    members = list(rnd.members.select_related("staff"))
    problems = []
    if len(members) < MIN_COUNCIL:
        problems.append(f"Hội đồng có {len(members)} thành viên, cần ít nhất {MIN_COUNCIL}.")
    if len(members) % 2 == 0:
        problems.append(f"Hội đồng có {len(members)} thành viên: số thành viên phải là số lẻ.")
    chairs = [m for m in members if m.role == CouncilMember.Role.CHAIR]
    if len(chairs) != 1:
        problems.append("Hội đồng phải có đúng một Chủ tịch.")
    elif chairs[0].staff.position != Position.PRINCIPAL:
        problems.append(f"Chủ tịch hội đồng là {rnd.school.head_title} nhà trường.")
    if not any(m.role == CouncilMember.Role.SECRETARY for m in members):
        problems.append("Hội đồng chưa có Thư ký.")
    return problems


def council_warnings(rnd: GraduationRound) -> list[str]:
    """The composition TT 31/2023 names (grade-9 homeroom teachers, a Đoàn/Đội representative)
    not yet in the council: shown, not blocking (a school may lack one)."""
    from hoso.organisation.assignments.selectors import homeroom_teachers
    from hoso.organisation.models import SchoolClass

    members = list(rnd.members.all())
    staff_ids = {m.staff_id for m in members}
    classes = SchoolClass.objects.filter(
        year=rnd.year, grade__number=selectors.LAST_LOWER_SECONDARY_GRADE
    )
    on = min(max(rnd.review_date, rnd.year.start_date), rnd.year.end_date)
    out = [
        f"Giáo viên chủ nhiệm lớp {c.name} ({teacher.full_name}) chưa có trong hội đồng."
        for c in classes.order_by("name")
        if (teacher := homeroom_teachers([c.pk], on=on).get(c.pk)) and teacher.pk not in staff_ids
    ]
    if not any(m.kind == CouncilMember.Kind.YOUTH for m in members):
        out.append("Hội đồng chưa có đại diện Đoàn / Đội.")
    return out


def _evaluate(rnd: GraduationRound, enrolments: list[Enrolment], keep: dict[int, Candidate]):
    """Candidate rows (unsaved or updated) for ``enrolments``; ``keep``: existing rows by
    student (their dossier, priority and exception stay)."""
    year = rnd.year
    classes = {e.school_class_id: e.school_class for e in enrolments}
    results = selectors.approved_results(classes)
    absences = selectors.year_absences(year, [e.student_id for e in enrolments], results)
    limits = {cid: selectors.absence_limit(c) for cid, c in classes.items()}
    out = []
    for e in enrolments:
        cand = keep.get(e.student_id) or Candidate(round=rnd, student=e.student)
        cand.school_class, cand.enrolment = e.school_class, e
        res = results.get(e.student_id, {})
        cand.eligible, cand.conditions = conditions.evaluate(
            birth_year=e.student.birth_date.year,
            graduation_year=rnd.review_date.year,
            programme=rnd.programme,
            age_exception=cand.age_exception,
            year_result=res.get(selectors.YEAR),
            final_result=res.get(selectors.FINAL),
            absences=absences.get(e.student_id),
            absence_limit=limits[e.school_class_id],
            dossier=cand.dossier,
            has_priority=cand.has_priority,
        )
        out.append(cand)
    return out


def round_review(*, actor: Actor, rnd: GraduationRound) -> GraduationRound:
    """The council's review: every grade-9 student not recognised in an earlier round of the
    year, each condition with its reason. Runs again until the proposal is sent."""
    _require_manage(actor, "round_review")
    _own(actor, rnd.school_id)
    with transaction.atomic():
        rnd = _lock(rnd)
        _state(rnd, S.DRAFT, S.REVIEWED)
        problems = council_problems(rnd)
        if problems:
            raise DomainError(E.COUNCIL_INVALID, " ".join(problems))
        done = selectors.recognised_student_ids(rnd.year)
        enrolments = [
            e
            for e in selectors.final_grade_enrolments(
                rnd.year, selectors.LAST_LOWER_SECONDARY_GRADE
            )
            if e.student_id not in done
        ]
        existing = {c.student_id: c for c in rnd.candidates.all()}
        earlier = {}
        if rnd.number > 1:  # the dossier handed in for an earlier round still counts
            for c in Candidate.objects.filter(round__year=rnd.year, round__number__lt=rnd.number):
                earlier[c.student_id] = c
        keep = {}
        for e in enrolments:
            if e.student_id in existing:
                keep[e.student_id] = existing[e.student_id]
            elif e.student_id in earlier:
                old = earlier[e.student_id]
                keep[e.student_id] = Candidate(
                    round=rnd,
                    student=e.student,
                    dossier=dict(old.dossier),
                    has_priority=old.has_priority,
                    age_exception=old.age_exception,
                )
        rows = _evaluate(rnd, enrolments, keep)
        wanted = {e.student_id for e in enrolments}
        gone = rnd.candidates.exclude(student_id__in=wanted).select_related("student")
        removed = [c.student.full_name for c in gone]
        gone.delete()  # left the roll (or were recognised) since the last review: named below
        for c in rows:
            c.save()
        rnd.state, rnd.reviewed_at, rnd.reviewed_by = S.REVIEWED, clock.now(), actor.user
        rnd.save(update_fields=["state", "reviewed_at", "reviewed_by"])
        eligible = sum(1 for c in rows if c.eligible)
        audit_record(
            event_type="graduation.reviewed",
            actor=actor.user,
            school_id=rnd.school_id,
            target=rnd,
            target_repr=_round_repr(rnd),
            after={
                "students": len(rows),
                "eligible": eligible,
                "not_eligible": len(rows) - eligible,
                "not_eligible_names": [c.student.full_name for c in rows if not c.eligible],
                "removed": removed,
            },
        )
    return rnd


def candidate_update(
    *,
    actor: Actor,
    candidate: Candidate,
    dossier: dict[str, bool],
    has_priority: bool,
    age_exception: str,
) -> Candidate:
    """Tick the dossier, the priority flag and the age exception of one student; the student's
    conditions are evaluated again at once."""
    _require_manage(actor, "candidate_update")
    rnd = candidate.round
    _own(actor, rnd.school_id)
    known = {item.code for item in conditions.dossier_items()}
    if set(dossier) - known:
        raise DomainError(E.BAD_INPUT, "Mục hồ sơ không có trong danh mục.")
    exception = bounded(nfc(age_exception).strip(), 300, what="Lý do ngoại lệ về tuổi")
    with transaction.atomic():
        rnd = _lock(rnd)
        _state(rnd, S.DRAFT, S.REVIEWED)
        cand = Candidate.objects.select_for_update().get(pk=candidate.pk)
        before = {
            "dossier": cand.dossier,
            "has_priority": cand.has_priority,
            "age_exception": cand.age_exception,
            "eligible": cand.eligible,
        }
        cand.dossier = {code: bool(dossier.get(code)) for code in sorted(known)}
        cand.has_priority, cand.age_exception = has_priority, exception
        enrolment = Enrolment.objects.select_related(
            "student", "school_class", "school_class__grade", "school_class__year"
        ).get(pk=cand.enrolment_id)
        (cand,) = _evaluate(rnd, [enrolment], {cand.student_id: cand})
        cand.save()
        audit_record(
            event_type="graduation.candidate_updated",
            actor=actor.user,
            school_id=rnd.school_id,
            target=cand,
            target_repr=f"{enrolment.student.full_name} — {_round_repr(rnd)}",
            before=before,
            after={
                "dossier": cand.dossier,
                "has_priority": cand.has_priority,
                "age_exception": cand.age_exception,
                "eligible": cand.eligible,
            },
        )
    return cand


def round_propose(
    *, actor: Actor, rnd: GraduationRound, proposal_number: str, proposal_date: date
) -> GraduationRound:
    """The proposal (tờ trình) to the school's superior body, with list 1."""
    _require_manage(actor, "round_propose")
    _own(actor, rnd.school_id)
    number = bounded(nfc(proposal_number).strip(), 60, what="Số tờ trình")
    if not number:
        raise DomainError(E.BAD_INPUT, "Hãy nhập số tờ trình.", field="proposal_number")
    with transaction.atomic():
        rnd = _lock(rnd)
        _state(rnd, S.REVIEWED)
        if proposal_date < rnd.review_date:
            raise DomainError(E.ROUND_DATE, "Ngày tờ trình không thể trước ngày họp xét.")
        if not rnd.candidates.filter(eligible=True).exists():
            raise DomainError(
                E.NOT_ELIGIBLE, "Không có học sinh đủ điều kiện để đề nghị công nhận."
            )
        rnd.state = S.PROPOSED
        rnd.proposal_number, rnd.proposal_date = number, proposal_date
        rnd.authority = selectors.authority_title(rnd.school)
        rnd.save(update_fields=["state", "proposal_number", "proposal_date", "authority"])
        audit_record(
            event_type="graduation.proposed",
            actor=actor.user,
            school_id=rnd.school_id,
            target=rnd,
            target_repr=_round_repr(rnd),
            after={
                "proposal_number": number,
                "proposal_date": proposal_date.isoformat(),
                "authority": rnd.authority,
                "eligible": rnd.candidates.filter(eligible=True).count(),
            },
        )
    return rnd


def round_record_decision(
    *,
    actor: Actor,
    rnd: GraduationRound,
    decision_number: str,
    decision_date: date,
    signer: str,
    not_recognised: list[int] | None = None,
) -> GraduationRound:
    """The recognition decision as it came back: every eligible student is recognised except
    the candidates listed in ``not_recognised`` (the authority may leave some out). Their
    grade-9 enrolments get the outcome COMPLETED, dated the decision's day."""
    _require_manage(actor, "round_record_decision")
    _own(actor, rnd.school_id)
    number = bounded(nfc(decision_number).strip(), 60, what="Số quyết định")
    signer = bounded(nfc(signer).strip(), 200, what="Người ký")
    if not number or not signer:
        raise DomainError(E.BAD_INPUT, "Hãy nhập số quyết định và người ký.")
    left_out = set(not_recognised or [])
    with transaction.atomic():
        rnd = _lock(rnd)
        _state(rnd, S.PROPOSED)
        if rnd.proposal_date and decision_date < rnd.proposal_date:
            raise DomainError(E.ROUND_DATE, "Ngày quyết định không thể trước ngày tờ trình.")
        eligible = list(rnd.candidates.filter(eligible=True).select_related("student", "enrolment"))
        if left_out - {c.pk for c in eligible}:
            raise DomainError(E.BAD_INPUT, "Chỉ bỏ ra được học sinh trong danh sách đề nghị.")
        recognised = [c for c in eligible if c.pk not in left_out]
        closed = []
        for c in recognised:
            c.recognised = True
            c.save(update_fields=["recognised"])
            e = c.enrolment
            if e.outcome == "":
                e.outcome, e.closed_on = Enrolment.Outcome.COMPLETED, decision_date
                e.save(update_fields=["outcome", "closed_on"])
                closed.append(e.student_id)
        rnd.state = S.RECOGNISED
        rnd.decision_number, rnd.decision_date, rnd.decision_signer = number, decision_date, signer
        rnd.save(update_fields=["state", "decision_number", "decision_date", "decision_signer"])
        audit_record(
            event_type="graduation.recognised",
            actor=actor.user,
            school_id=rnd.school_id,
            target=rnd,
            target_repr=_round_repr(rnd),
            after={
                "decision_number": number,
                "decision_date": decision_date.isoformat(),
                "signer": signer,
                "recognised": [c.student.full_name for c in recognised],
                "left_out": [c.student.full_name for c in eligible if c.pk in left_out],
                "enrolments_completed": closed,
            },
        )
    return rnd


def round_minutes_note_set(*, actor: Actor, rnd: GraduationRound, note: str) -> GraduationRound:
    """The council's opinions and conclusion, printed in the minutes."""
    _require_manage(actor, "round_minutes_note")
    _own(actor, rnd.school_id)
    text = bounded(nfc(note).strip(), 4000, what="Ý kiến, kết luận của hội đồng")
    with transaction.atomic():
        rnd = _lock(rnd)
        _state(rnd, S.DRAFT, S.REVIEWED)
        before = rnd.minutes_note
        rnd.minutes_note = text
        rnd.save(update_fields=["minutes_note"])
        audit_record(
            event_type="graduation.minutes_note_set",
            actor=actor.user,
            school_id=rnd.school_id,
            target=rnd,
            target_repr=_round_repr(rnd),
            before={"minutes_note": before},
            after={"minutes_note": text},
        )
    return rnd


# ------------------------------------------------------------------------ diploma-issue book

ENTRY_FIELDS = (
    "serial_number",
    "register_number",
    "received_on",
    "receiver",
    "authorised_name",
    "authorised_id_number",
    "note",
)


def _entry_values(entry: DiplomaEntry) -> dict:
    return {
        f: (
            getattr(entry, f).isoformat()
            if f == "received_on" and entry.received_on
            else getattr(entry, f)
        )
        for f in ENTRY_FIELDS
    }


def _clean_entry(values: dict) -> dict:
    out = {
        "serial_number": bounded(
            nfc(values.get("serial_number") or "").strip(),
            40,
            what="Số hiệu văn bằng",
            field="serial_number",
        ),
        "register_number": bounded(
            nfc(values.get("register_number") or "").strip(),
            40,
            what="Số vào sổ cấp bằng",
            field="register_number",
        ),
        "received_on": values.get("received_on"),
        "receiver": values.get("receiver") or DiplomaEntry.Receiver.SELF,
        "authorised_name": bounded(
            nfc(values.get("authorised_name") or "").strip(),
            200,
            what="Họ tên người nhận thay",
            field="authorised_name",
        ),
        "authorised_id_number": bounded(
            nfc(values.get("authorised_id_number") or "").strip(),
            20,
            what="Số CCCD",
            field="authorised_id_number",
        ),
        "note": bounded(nfc(values.get("note") or "").strip(), 500, what="Ghi chú", field="note"),
    }
    if not out["serial_number"]:
        raise DomainError(E.BAD_INPUT, "Hãy nhập số hiệu văn bằng.", field="serial_number")
    if not out["register_number"]:
        raise DomainError(E.BAD_INPUT, "Hãy nhập số vào sổ cấp bằng.", field="register_number")
    if out["receiver"] not in DiplomaEntry.Receiver.values:
        raise DomainError(E.BAD_INPUT, "Người nhận không hợp lệ.", field="receiver")
    if out["receiver"] == DiplomaEntry.Receiver.AUTHORISED:
        if not out["authorised_name"] or not out["authorised_id_number"]:
            raise DomainError(
                E.BAD_INPUT,
                "Người nhận thay: hãy ghi họ tên và số căn cước (kèm giấy ủy quyền).",
                field="authorised_name",
            )
    else:
        out["authorised_name"] = out["authorised_id_number"] = ""
    return out


def _unique_numbers(entry: DiplomaEntry) -> None:
    live = DiplomaEntry.objects.filter(voided=False).exclude(pk=entry.pk)
    if live.filter(school_id=entry.school_id, serial_number=entry.serial_number).exists():
        raise DomainError(
            E.SERIAL_TAKEN,
            f"Số hiệu văn bằng {entry.serial_number} đã có trong sổ.",
            field="serial_number",
        )
    if live.filter(book_id=entry.book_id, register_number=entry.register_number).exists():
        raise DomainError(
            E.REGISTER_TAKEN,
            f"Số vào sổ cấp bằng {entry.register_number} đã có trong quyển sổ này.",
            field="register_number",
        )


def book_for(year: SchoolYear) -> DiplomaBook:
    """The year's book, opened when first needed (quyển số: the school's next number)."""
    book = DiplomaBook.objects.select_for_update().filter(year=year).first()
    if book is None:
        last = DiplomaBook.objects.filter(school_id=year.school_id).aggregate(n=Max("number"))["n"]
        try:
            with transaction.atomic():
                DiplomaBook.objects.create(
                    school_id=year.school_id, year=year, number=(last or 0) + 1
                )
        except IntegrityError:  # another writer opened a book at the same moment: retry once
            last = DiplomaBook.objects.filter(school_id=year.school_id).aggregate(n=Max("number"))[
                "n"
            ]
            if not DiplomaBook.objects.filter(year=year).exists():
                DiplomaBook.objects.create(
                    school_id=year.school_id, year=year, number=(last or 0) + 1
                )
        book = DiplomaBook.objects.select_for_update().get(year=year)
    return book


def diploma_entry_add(
    *, actor: Actor, year: SchoolYear, student: Student, values: dict
) -> DiplomaEntry:
    """Write one diploma in the year's book, for a student recognised in a round of the school."""
    _require_manage(actor, "diploma_entry_add")
    _own(actor, year.school_id)
    _own(actor, student.school_id)
    clean = _clean_entry(values)
    rnd_candidate = (
        Candidate.objects.filter(student=student, recognised=True, round__school_id=year.school_id)
        .select_related("round")
        .order_by("-round__year__start_date")
        .first()
    )
    if rnd_candidate is None:
        raise DomainError(
            E.NOT_RECOGNISED,
            f"{student.full_name} chưa có quyết định công nhận tốt nghiệp THCS.",
        )
    with transaction.atomic():
        book = book_for(year)
        if DiplomaEntry.objects.filter(book=book, student=student, voided=False).exists():
            raise DomainError(E.ENTRY_EXISTS, f"{student.full_name} đã có dòng trong sổ này.")
        book.last_entry += 1
        book.save(update_fields=["last_entry"])
        entry = DiplomaEntry(
            book=book,
            school_id=year.school_id,
            entry_number=book.last_entry,
            student=student,
            round=rnd_candidate.round,
            created_by=actor.user,
            created_at=clock.now(),
            **clean,
        )
        _unique_numbers(entry)
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            raise DomainError(E.SERIAL_TAKEN, "Số hiệu hoặc số vào sổ đã có trong sổ.") from None
        audit_record(
            event_type="graduation.diploma_entered",
            actor=actor.user,
            school_id=year.school_id,
            target=entry,
            target_repr=f"Sổ cấp phát văn bằng quyển {book.number}, số {entry.entry_number}: "
            f"{student.full_name}",
            after={"book": book.number, "entry": entry.entry_number, **_entry_values(entry)},
        )
    return entry


def diploma_entry_correct(
    *, actor: Actor, entry: DiplomaEntry, values: dict, reason: str
) -> DiplomaEntry:
    """Correct an entry (the handover, a typo): before and after in the audit trail, with why."""
    _require_manage(actor, "diploma_entry_correct")
    _own(actor, entry.school_id)
    why = bounded(nfc(reason).strip(), 300, what="Lý do sửa", field="reason")
    if not why:
        raise DomainError(E.REASON_REQUIRED, "Hãy ghi lý do sửa.", field="reason")
    clean = _clean_entry(values)
    with transaction.atomic():
        entry = (
            DiplomaEntry.objects.select_for_update()
            .select_related("book", "student")
            .get(pk=entry.pk)
        )
        if entry.voided:
            raise DomainError(E.ENTRY_VOID, "Dòng này đã hủy: không sửa được.")
        before = _entry_values(entry)
        for f, v in clean.items():
            setattr(entry, f, v)
        _unique_numbers(entry)
        entry.save()
        audit_record(
            event_type="graduation.diploma_corrected",
            actor=actor.user,
            school_id=entry.school_id,
            target=entry,
            target_repr=f"Sổ cấp phát văn bằng quyển {entry.book.number}, số "
            f"{entry.entry_number}: {entry.student.full_name}",
            before=before,
            after={**_entry_values(entry), "reason": why},
        )
    return entry


def diploma_entry_void(*, actor: Actor, entry: DiplomaEntry, reason: str) -> DiplomaEntry:
    """Void an entry written by mistake: it stays in the book (struck), its number is not
    given again."""
    _require_manage(actor, "diploma_entry_void")
    _own(actor, entry.school_id)
    why = bounded(nfc(reason).strip(), 300, what="Lý do hủy", field="reason")
    if not why:
        raise DomainError(E.REASON_REQUIRED, "Hãy ghi lý do hủy dòng.", field="reason")
    with transaction.atomic():
        entry = (
            DiplomaEntry.objects.select_for_update()
            .select_related("book", "student")
            .get(pk=entry.pk)
        )
        if entry.voided:
            raise DomainError(E.ENTRY_VOID, "Dòng này đã hủy.")
        entry.voided, entry.void_reason = True, why
        entry.save(update_fields=["voided", "void_reason"])
        audit_record(
            event_type="graduation.diploma_voided",
            actor=actor.user,
            school_id=entry.school_id,
            target=entry,
            target_repr=f"Sổ cấp phát văn bằng quyển {entry.book.number}, số "
            f"{entry.entry_number}: {entry.student.full_name}",
            before={"voided": False},
            after={"voided": True, "reason": why},
        )
    return entry


def export_logged(*, actor: Actor, what: str, year: SchoolYear, rows: int) -> None:
    """A print or an export of lists with personal data: who, when, what (audited)."""
    with transaction.atomic():
        audit_record(
            event_type="graduation.exported",
            actor=actor.user,
            school_id=actor.school_id,
            target_type="graduation.export",
            target_repr=f"{what} — năm học {year.name}"[:300],
            after={"what": what, "year": year.name, "rows": rows},
        )
