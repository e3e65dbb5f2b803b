"""The graduation demo on two days of its own (like ``test_demo_any_day.py``, not ``calendar``):

- GIVEN the demo seeded on 7 December (mid-year) THEN the lower-secondary school has round 1 of
  the year planned for late May, reviewed by a valid council from its staff, every grade-9
  student in list 2 because the year's results are not approved — said as the code says it —
  and the primary school's grade-5 completion list says the same, with nothing stored;
- GIVEN the demo seeded on 15 July (the year over, not rolled over) THEN the approved grade-9
  class gives list 1, list 2 keeps the student with a missing paper and the ones waiting for a
  re-test or summer training with their reasons, the proposal went to the commune's chairman,
  the decision is recorded and the book holds one numbered line per recognised student.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.demo.gradebook import GRADUATING_CLASS
from hoso.graduation import actions, selectors
from hoso.graduation.models import Candidate, CouncilMember, DiplomaEntry, GraduationRound
from hoso.organisation.models import Position, School, SchoolYear
from hoso.students.models import Enrolment

NOT_APPROVED = "Kết quả cả năm lớp 9 chưa được hiệu trưởng phê duyệt."


def _current_year(school) -> SchoolYear:
    return SchoolYear.objects.get(school=school, is_closed=False)


def _round(code: str):
    from hoso.demo.actions import demo_seed

    demo_seed(codes=(code,))
    school = School.objects.get(code=code)
    year = _current_year(school)
    return school, year, GraduationRound.objects.get(year=year)


def _council_is_valid(rnd: GraduationRound) -> None:
    members = list(rnd.members.select_related("staff"))
    assert len(members) >= 7 and len(members) % 2 == 1
    chair = [m for m in members if m.role == CouncilMember.Role.CHAIR]
    assert len(chair) == 1 and chair[0].staff.position == Position.PRINCIPAL
    assert any(m.role == CouncilMember.Role.SECRETARY for m in members)
    assert any(m.kind == CouncilMember.Kind.YOUTH for m in members)
    assert actions.council_problems(rnd) == []
    assert actions.council_warnings(rnd) == []  # every grade-9 homeroom teacher is in it


@pytest.mark.clock("2026-12-07T18:00:00")
@pytest.mark.django_db
def test_mid_year_round_reviewed_everyone_waits_for_the_year_results():
    school, year, rnd = _round("THCS-NT")
    assert rnd.number == 1 and rnd.state == GraduationRound.State.REVIEWED
    # The meeting as planned: the last working day on or before 25 May 2027 (a Tuesday).
    assert rnd.review_date == date(2027, 5, 25)
    _council_is_valid(rnd)
    roll = selectors.final_grade_enrolments(year, 9)
    assert Candidate.objects.filter(round=rnd).count() == roll.count() > 0
    lists = selectors.round_lists(None, rnd)
    assert lists.eligible == []
    for cand in lists.not_eligible:
        assert cand.conditions["age"]["ok"] is True
        assert cand.conditions["programme"]["ok"] is False
        assert cand.conditions["programme"]["reason"].startswith(NOT_APPROVED)
        assert cand.conditions["dossier"]["reason"] == "Thiếu: Học bạ, Bản sao giấy khai sinh."
    # Through the actions: each step in the audit trail.
    events = set(
        AuditEvent.objects.filter(school_id=school.pk, event_type__startswith="graduation.")
        .values_list("event_type", flat=True)
        .distinct()
    )
    assert events == {
        "graduation.round_created",
        "graduation.council_changed",
        "graduation.reviewed",
    }


@pytest.mark.clock("2026-12-07T18:00:00")
@pytest.mark.django_db
def test_mid_year_primary_completion_list_from_the_current_data():
    from hoso.demo.actions import demo_seed

    demo_seed(codes=("TH-CVA",))
    school = School.objects.get(code="TH-CVA")
    year = _current_year(school)
    assert not GraduationRound.objects.filter(school=school).exists()
    listing = selectors.primary_completion(None, year)
    assert listing.completed == []
    grade5 = selectors.final_grade_enrolments(year, 5).count()
    assert len(listing.not_completed) == grade5 > 0
    assert {r.reason for r in listing.not_completed} == {
        "Kết quả cả năm của lớp chưa được hiệu trưởng phê duyệt."
    }


@pytest.mark.clock("2026-12-07T18:00:00")
@pytest.mark.django_db
def test_seeding_again_changes_nothing():
    from hoso.demo import graduation

    school, year, rnd = _round("THCS-NT")
    before = AuditEvent.objects.count()
    graduation.seed_demo(school, year, today=clock.today())
    assert AuditEvent.objects.count() == before
    assert GraduationRound.objects.filter(year=year).count() == 1


@pytest.mark.clock("2026-12-07T18:00:00")
@pytest.mark.django_db
def test_no_round_in_a_closed_year_or_before_its_first_day():
    from hoso.demo import graduation

    school, year, rnd = _round("THCS-NT")
    previous = SchoolYear.objects.get(school=school, is_closed=True)
    graduation.seed_demo(school, previous, today=clock.today())
    previous.is_closed = False  # open, but the day is before its first day
    graduation.seed_demo(school, previous, today=previous.start_date - timedelta(days=1))
    assert not GraduationRound.objects.filter(year=previous).exists()


@pytest.mark.clock("2027-07-15T18:00:00")
@pytest.mark.django_db
def test_summer_lists_proposal_decision_and_book():
    school, year, rnd = _round("THCS-NT")
    assert rnd.state == GraduationRound.State.RECOGNISED
    _council_is_valid(rnd)
    lists = selectors.round_lists(None, rnd)
    # List 1: only the approved class; every condition met, with its reason.
    assert lists.eligible and {c.school_class.name for c in lists.eligible} == {GRADUATING_CLASS}
    for cand in lists.eligible:
        assert all(cand.conditions[k]["ok"] for k in ("age", "programme", "dossier"))
        assert cand.conditions["programme"]["reason"].startswith("Hoàn thành chương trình lớp 9")
        assert cand.conditions["dossier"]["reason"] == "Hồ sơ đủ."
    # List 2 of the approved class: the missing paper, the re-test / summer training.
    class_two = [c for c in lists.not_eligible if c.school_class.name == GRADUATING_CLASS]
    reasons = [c.conditions["programme"]["reason"] for c in class_two] + [
        c.conditions["dossier"]["reason"] for c in class_two
    ]
    assert "Thiếu: Bản sao giấy khai sinh." in reasons
    assert any(r.startswith("Chờ kết quả kiểm tra lại hoặc rèn luyện trong hè.") for r in reasons)
    # The other grade-9 classes: not approved, said so.
    others = [c for c in lists.not_eligible if c.school_class.name != GRADUATING_CLASS]
    assert others and all(
        c.conditions["programme"]["reason"].startswith(NOT_APPROVED) for c in others
    )
    # The proposal to the commune's chairman, the decision, the enrolments completed.
    assert rnd.authority.startswith("Chủ tịch ") and "Phòng" not in rnd.authority
    assert rnd.proposal_date == date(2027, 5, 28) and rnd.decision_date == date(2027, 6, 8)
    assert rnd.minutes_note
    recognised = Candidate.objects.filter(round=rnd, recognised=True)
    assert recognised.count() == len(lists.eligible)
    assert not Enrolment.objects.filter(
        pk__in=recognised.values("enrolment_id"), outcome=""
    ).exists()
    # The book: one numbered line per recognised student, handed over a week after.
    entries = list(DiplomaEntry.objects.filter(book__year=year).order_by("entry_number"))
    assert [e.entry_number for e in entries] == list(range(1, len(lists.eligible) + 1))
    assert {e.student_id for e in entries} == set(recognised.values_list("student_id", flat=True))
    assert {e.received_on for e in entries} == {date(2027, 6, 15)}
    assert len({e.serial_number for e in entries}) == len(entries)
    # Nothing dated after the day.
    assert rnd.decision_date <= clock.today()
