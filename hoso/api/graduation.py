"""Completion and graduation over JSON:

* ``GET /graduation/primary-completion`` — grade-5 students completing primary (and the others
  with the reason), of the caller's year;
* ``GET /graduation/rounds`` — the year's lower-secondary graduation rounds;
* ``POST /graduation/rounds`` — open the next round;
* ``GET /graduation/rounds/{id}`` — a round with list 1 / list 2, each condition with its reason;
* ``POST /graduation/rounds/{id}/review`` — the council's review;
* ``POST /graduation/rounds/{id}/proposal`` and ``/decision`` — the proposal, the decision;
* ``GET /graduation/diplomas`` / ``POST /graduation/diplomas`` — the diploma-issue book.

Same policies as the pages (hoso/graduation/policies.py): out of scope → 404, out of role → 403."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from hoso.api.auth import api_actor
from hoso.api.schemas import ERRORS, WRITE_ERRORS
from hoso.graduation import actions, policies, selectors
from hoso.students.models import Student


class ConditionOut(Schema):
    ok: bool
    reason: str


class CandidateOut(Schema):
    id: int
    student_id: int
    student_code: str
    name: str
    class_name: str
    eligible: bool
    recognised: bool
    conditions: dict[str, ConditionOut] = Field(
        description="age (độ tuổi), programme (hoàn thành chương trình), dossier (hồ sơ)."
    )


class RoundBriefOut(Schema):
    id: int
    year: str
    number: int
    programme: str
    state: str
    state_label: str
    review_date: date
    authority: str
    decision_number: str
    decision_date: date | None


class RoundOut(RoundBriefOut):
    eligible: list[CandidateOut] = Field(description="Danh sách 1.")
    not_eligible: list[CandidateOut] = Field(description="Danh sách 2.")


class RoundIn(Schema):
    review_date: date
    council_decision: str = ""


class ProposalIn(Schema):
    proposal_number: str
    proposal_date: date


class DecisionIn(Schema):
    decision_number: str
    decision_date: date
    signer: str
    not_recognised: list[int] = Field(default_factory=list)


class CompletionRowOut(Schema):
    student_id: int
    name: str
    class_name: str
    completed: bool
    result: str
    reason: str


class CompletionOut(Schema):
    year: str
    completed: list[CompletionRowOut]
    not_completed: list[CompletionRowOut]


class DiplomaOut(Schema):
    id: int
    book_number: int
    entry_number: int
    student_id: int
    name: str
    serial_number: str
    register_number: str
    received_on: date | None
    receiver: str
    authorised_name: str
    note: str
    voided: bool
    void_reason: str


class DiplomaIn(Schema):
    student_id: int
    serial_number: str
    register_number: str
    received_on: date | None = None
    receiver: str = "self"
    authorised_name: str = ""
    authorised_id_number: str = ""
    note: str = ""


def _actor(request):
    actor = api_actor(request)
    if not policies.can_use(actor) or actor.year is None:
        raise Http404
    return actor


def _brief(r) -> dict:
    return {
        "id": r.pk,
        "year": r.year.name,
        "number": r.number,
        "programme": r.programme,
        "state": r.state,
        "state_label": r.get_state_display(),
        "review_date": r.review_date,
        "authority": r.authority or selectors.authority_title(r.school),
        "decision_number": r.decision_number,
        "decision_date": r.decision_date,
    }


def _cand(c) -> dict:
    return {
        "id": c.pk,
        "student_id": c.student_id,
        "student_code": c.student.student_code,
        "name": c.student.full_name,
        "class_name": c.school_class.name,
        "eligible": c.eligible,
        "recognised": c.recognised,
        "conditions": {
            k: {"ok": bool(v.get("ok")), "reason": v.get("reason", "")}
            for k, v in c.conditions.items()
        },
    }


def _round(actor, rnd) -> dict:
    lists = selectors.round_lists(actor, rnd)
    return {
        **_brief(rnd),
        "eligible": [_cand(c) for c in lists.eligible],
        "not_eligible": [_cand(c) for c in lists.not_eligible],
    }


def _diploma(e) -> dict:
    return {
        "id": e.pk,
        "book_number": e.book.number,
        "entry_number": e.entry_number,
        "student_id": e.student_id,
        "name": e.student.full_name,
        "serial_number": e.serial_number,
        "register_number": e.register_number,
        "received_on": e.received_on,
        "receiver": e.receiver,
        "authorised_name": e.authorised_name,
        "note": e.note,
        "voided": e.voided,
        "void_reason": e.void_reason,
    }


def build_router() -> Router:
    router = Router(tags=["graduation"])

    @router.get(
        "/primary-completion",
        response={200: CompletionOut, **ERRORS},
        summary="Học sinh hoàn thành chương trình tiểu học",
    )
    def primary_completion(request: HttpRequest):
        actor = _actor(request)
        listing = selectors.primary_completion(actor, actor.year)

        def rows(items):
            return [
                {
                    "student_id": r.student.pk,
                    "name": r.student.full_name,
                    "class_name": r.school_class.name,
                    "completed": r.completed,
                    "result": r.result,
                    "reason": r.reason,
                }
                for r in items
            ]

        return {
            "year": actor.year.name,
            "completed": rows(listing.completed),
            "not_completed": rows(listing.not_completed),
        }

    @router.get("/rounds", response={200: list[RoundBriefOut], **ERRORS}, summary="Các đợt xét")
    def round_list(request: HttpRequest):
        actor = _actor(request)
        return [_brief(r) for r in selectors.year_rounds(actor.year)]

    @router.post(
        "/rounds", response={201: RoundOut, **WRITE_ERRORS}, summary="Mở đợt xét tốt nghiệp"
    )
    def round_create(request: HttpRequest, body: RoundIn):
        actor = _actor(request)
        rnd = actions.round_create(
            actor=actor,
            year=actor.year,
            review_date=body.review_date,
            council_decision=body.council_decision,
        )
        return Status(201, _round(actor, rnd))

    @router.get(
        "/rounds/{round_id}",
        response={200: RoundOut, **ERRORS},
        summary="Một đợt xét: danh sách 1, danh sách 2",
    )
    def round_detail(request: HttpRequest, round_id: int):
        actor = _actor(request)
        return _round(actor, policies.access_round(actor, round_id))

    @router.post(
        "/rounds/{round_id}/review",
        response={200: RoundOut, **WRITE_ERRORS},
        summary="Hội đồng xét",
    )
    def round_review(request: HttpRequest, round_id: int):
        actor = _actor(request)
        rnd = actions.round_review(actor=actor, rnd=policies.access_round(actor, round_id))
        return _round(actor, rnd)

    @router.post(
        "/rounds/{round_id}/proposal",
        response={200: RoundOut, **WRITE_ERRORS},
        summary="Ghi nhận tờ trình đề nghị công nhận",
    )
    def round_proposal(request: HttpRequest, round_id: int, body: ProposalIn):
        actor = _actor(request)
        rnd = actions.round_propose(
            actor=actor,
            rnd=policies.access_round(actor, round_id),
            proposal_number=body.proposal_number,
            proposal_date=body.proposal_date,
        )
        return _round(actor, rnd)

    @router.post(
        "/rounds/{round_id}/decision",
        response={200: RoundOut, **WRITE_ERRORS},
        summary="Ghi nhận quyết định công nhận tốt nghiệp",
    )
    def round_decision(request: HttpRequest, round_id: int, body: DecisionIn):
        actor = _actor(request)
        rnd = actions.round_record_decision(
            actor=actor,
            rnd=policies.access_round(actor, round_id),
            decision_number=body.decision_number,
            decision_date=body.decision_date,
            signer=body.signer,
            not_recognised=body.not_recognised,
        )
        return _round(actor, rnd)

    @router.get(
        "/diplomas",
        response={200: list[DiplomaOut], **ERRORS},
        summary="Sổ cấp phát văn bằng của năm học",
    )
    def diploma_list(request: HttpRequest):
        actor = _actor(request)
        if not policies.reads_school(actor):
            raise Http404
        return [_diploma(e) for e in selectors.book_entries(selectors.diploma_book(actor.year))]

    @router.post(
        "/diplomas",
        response={201: DiplomaOut, **WRITE_ERRORS},
        summary="Ghi văn bằng vào sổ cấp phát",
    )
    def diploma_add(request: HttpRequest, body: DiplomaIn):
        actor = _actor(request)
        student = Student.objects.filter(pk=body.student_id, school=actor.school).first()
        if student is None:
            raise Http404
        entry = actions.diploma_entry_add(
            actor=actor,
            year=actor.year,
            student=student,
            values=body.model_dump(exclude={"student_id"}),
        )
        return Status(201, _diploma(entry))

    return router
