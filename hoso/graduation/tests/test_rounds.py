"""GIVEN a grade-9 class WHEN the council reviews THEN each condition decides with its reason."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.graduation import actions, conditions, selectors
from hoso.graduation.errors import GraduationError as E
from hoso.graduation.models import Candidate, GraduationRound
from hoso.graduation.tests.conftest import REVIEW, absent, approve
from hoso.students.models import Enrolment

pytestmark = pytest.mark.django_db


def _reviewed(g9, **kw):
    principal = g9.actor("principal")
    rnd = actions.round_create(actor=principal, year=g9.world.year, review_date=REVIEW)
    g9.full_council(rnd)
    rnd = actions.round_review(actor=principal, rnd=rnd)
    g9.dossier_all(rnd)
    rnd.refresh_from_db()
    return rnd


def _cand(rnd, student) -> Candidate:
    return Candidate.objects.get(round=rnd, student=student)


# ----------------------------------------------------------------------------- pure conditions


@pytest.mark.parametrize(("birth", "ok"), [(2006, True), (2005, False)])
def test_age_limit_in_calendar_years(birth, ok):
    got = conditions.age_condition(birth_year=birth, graduation_year=2027, programme="general")
    assert got["ok"] is ok
    assert got["age"] == 2027 - birth
    assert ("không đúng độ tuổi" in got["reason"]) is not ok


def test_age_exception_with_reason_passes():
    got = conditions.age_condition(
        birth_year=2005, graduation_year=2027, programme="general", exception="Đi học muộn"
    )
    assert got["ok"] is True
    assert "ngoại lệ: Đi học muộn" in got["reason"]


@pytest.mark.parametrize(("age", "ok"), [(15, True), (14, False)])
def test_continuing_minimum_age(age, ok):
    got = conditions.age_condition(
        birth_year=2027 - age, graduation_year=2027, programme="continuing"
    )
    assert got["ok"] is ok


@pytest.mark.parametrize(("absences", "ok"), [(45, True), (46, False)])
def test_programme_absence_limit(absences, ok):
    got = conditions.programme_condition(
        year_result={"decision": "LEN_LOP"}, final_result=None, absences=absences, absence_limit=45
    )
    assert got["ok"] is ok


def test_final_result_after_summer_overrides():
    got = conditions.programme_condition(
        year_result={"decision": "KIEM_TRA_LAI"},
        final_result={"final_decision": "LEN_LOP"},
        absences=0,
        absence_limit=45,
    )
    assert got["ok"] is True and "sau kiểm tra lại" in got["reason"]


# ----------------------------------------------------------------------------- the review


def test_age_boundary_21_vs_22(g9):
    s21, s22 = g9.students[0], g9.students[1]
    s21.birth_date, s22.birth_date = date(2006, 12, 31), date(2005, 1, 1)
    s21.save(), s22.save()
    rnd = _reviewed(g9)
    assert _cand(rnd, s21).eligible is True
    c22 = _cand(rnd, s22)
    assert c22.eligible is False
    assert c22.conditions["age"]["ok"] is False
    assert "22 tuổi" in c22.conditions["age"]["reason"]
    assert c22.conditions["programme"]["ok"] and c22.conditions["dossier"]["ok"]


def test_age_exception_recorded_makes_eligible(g9):
    old = g9.students[1]
    old.birth_date = date(2005, 1, 1)
    old.save()
    rnd = _reviewed(g9)
    c = actions.candidate_update(
        actor=g9.actor("vice"),
        candidate=_cand(rnd, old),
        dossier={"hoc_ba": True, "birth_certificate": True},
        has_priority=False,
        age_exception="Học sinh trở lại học sau thời gian nghỉ ốm",
    )
    assert c.eligible is True
    assert AuditEvent.objects.filter(event_type="graduation.candidate_updated").exists()
    from hoso.graduation import documents

    row = next(r for r in documents.list_rows([c], with_reasons=False))
    assert row[-1] == "Ngoại lệ về tuổi: Học sinh trở lại học sau thời gian nghỉ ốm"


def test_45_absences_pass_46_fail_main_session_only(g9):
    s45, s46 = g9.students[0], g9.students[1]
    absent(s45, g9.klass, 45)
    # The second session of the day never counts (main session: morning, by default).
    absent(s45, g9.klass, 30, session="afternoon")
    absent(s46, g9.klass, 46)
    rnd = _reviewed(g9)
    c45, c46 = _cand(rnd, s45), _cand(rnd, s46)
    assert c45.eligible is True
    assert c45.conditions["programme"]["absences"] == 45
    assert c46.eligible is False
    assert "Nghỉ 46 buổi, quá 45 buổi" in c46.conditions["programme"]["reason"]


def test_repeat_or_unapproved_result_fails_programme(g9):
    a, b = g9.students[0], g9.students[1]
    approve(g9.klass, {a: {"decision": "O_LAI_LOP"}, b: {"decision": "LEN_LOP"}})
    rnd = _reviewed(g9)
    assert "ở lại lớp" in _cand(rnd, a).conditions["programme"]["reason"]
    assert _cand(rnd, a).eligible is False
    from hoso.gradebook.results.models import ClassResult

    ClassResult.objects.filter(school_class=g9.other).update(state="confirmed")
    actions.round_review(actor=g9.actor("principal"), rnd=rnd)
    c = _cand(rnd, g9.students[2])
    assert c.eligible is False
    assert "chưa được hiệu trưởng phê duyệt" in c.conditions["programme"]["reason"]


def test_missing_dossier_item_goes_to_list_2_with_that_reason(g9):
    rnd = _reviewed(g9)
    c = actions.candidate_update(
        actor=g9.actor("clerk"),
        candidate=_cand(rnd, g9.students[0]),
        dossier={"hoc_ba": True, "birth_certificate": False},
        has_priority=False,
        age_exception="",
    )
    assert c.eligible is False
    assert c.conditions["dossier"]["reason"] == "Thiếu: Bản sao giấy khai sinh."
    lists = selectors.round_lists(None, rnd)
    assert c in lists.not_eligible and c not in lists.eligible
    # Priority papers are needed only from a student claiming a priority.
    c = actions.candidate_update(
        actor=g9.actor("clerk"),
        candidate=c,
        dossier={"hoc_ba": True, "birth_certificate": True},
        has_priority=True,
        age_exception="",
    )
    assert c.eligible is False and "ưu tiên" in c.conditions["dossier"]["reason"]


def test_transferred_out_student_not_reviewed(g9):
    e = Enrolment.objects.get(student=g9.students[2])
    e.status, e.end_date = Enrolment.Status.TRANSFERRED_OUT, date(2027, 3, 1)
    e.save()
    rnd = _reviewed(g9)
    assert not Candidate.objects.filter(round=rnd, student=g9.students[2]).exists()


# ----------------------------------------------------------------------------- council


@pytest.mark.parametrize("size", [6, 5, 8])
def test_council_below_seven_or_even_refused(g9, size):
    principal = g9.actor("principal")
    rnd = actions.round_create(actor=principal, year=g9.world.year, review_date=REVIEW)
    g9.full_council(rnd, size=size)
    with pytest.raises(DomainError) as exc:
        actions.round_review(actor=principal, rnd=rnd)
    assert exc.value.code == E.COUNCIL_INVALID
    rnd.refresh_from_db()
    assert rnd.state == GraduationRound.State.DRAFT


def test_council_of_nine_with_principal_chair_accepted(g9):
    principal = g9.actor("principal")
    rnd = actions.round_create(actor=principal, year=g9.world.year, review_date=REVIEW)
    g9.full_council(rnd, size=9)
    assert actions.round_review(actor=principal, rnd=rnd).state == "reviewed"


def test_council_chair_must_be_principal(g9):
    principal = g9.actor("principal")
    rnd = actions.round_create(actor=principal, year=g9.world.year, review_date=REVIEW)
    g9.council_staff[0], g9.council_staff[1] = g9.council_staff[1], g9.council_staff[0]
    g9.full_council(rnd)
    with pytest.raises(DomainError) as exc:
        actions.round_review(actor=principal, rnd=rnd)
    assert "Chủ tịch hội đồng là Hiệu trưởng" in exc.value.message


def test_member_from_another_school_refused(g9):
    from hoso.testing.factories import make_school, make_staff

    stranger = make_staff(make_school(), "Người Ngoài Trường")
    rnd = actions.round_create(actor=g9.actor("principal"), year=g9.world.year, review_date=REVIEW)
    with pytest.raises(DomainError) as exc:
        actions.council_member_add(
            actor=g9.actor("principal"), rnd=rnd, staff=stranger, role="member", kind="other"
        )
    assert exc.value.code == E.MEMBER_NOT_STAFF


# ----------------------------------------------------------------------------- proposal, decision, rounds


def _recognise(g9, rnd, number="123/QĐ-UBND"):
    vice = g9.actor("vice")
    rnd = actions.round_propose(
        actor=vice, rnd=rnd, proposal_number="15/TTr-THCS", proposal_date=date(2027, 6, 6)
    )
    return actions.round_record_decision(
        actor=vice,
        rnd=rnd,
        decision_number=number,
        decision_date=date(2027, 6, 20),
        signer="Nguyễn Văn Xã",
    )


def test_decision_completes_enrolments_and_second_round_only_not_recognised(g9):
    a, b, c = g9.students
    absent(b, g9.klass, 46)
    rnd1 = _reviewed(g9)
    assert {x.student_id for x in selectors.round_lists(None, rnd1).eligible} == {a.pk, c.pk}
    rnd1 = _recognise(g9, rnd1)
    assert rnd1.authority == "Chủ tịch Ủy ban nhân dân phường Thử Nghiệm"
    ea = Enrolment.objects.get(student=a)
    assert ea.outcome == Enrolment.Outcome.COMPLETED and ea.closed_on == date(2027, 6, 20)
    assert Enrolment.objects.get(student=b).outcome == ""
    # They leave the active roll of the year rollover (still in the registers).
    from hoso.rollover.selectors import open_members

    assert set(open_members(g9.world.year).values_list("student_id", flat=True)) >= {b.pk}
    assert a.pk not in set(open_members(g9.world.year).values_list("student_id", flat=True))

    rnd2 = actions.round_create(
        actor=g9.actor("principal"), year=g9.world.year, review_date=date(2027, 8, 10)
    )
    assert rnd2.number == 2 and rnd2.members.count() == 7  # the council carries over
    rnd2 = actions.round_review(actor=g9.actor("principal"), rnd=rnd2)
    assert list(rnd2.candidates.values_list("student_id", flat=True)) == [b.pk]
    # Round 2 keeps the dossier handed in for round 1.
    assert rnd2.candidates.get().dossier["hoc_ba"] is True
    assert AuditEvent.objects.filter(event_type="graduation.recognised").count() == 1


def test_at_most_two_rounds_and_in_order(g9):
    principal = g9.actor("principal")
    rnd1 = actions.round_create(actor=principal, year=g9.world.year, review_date=REVIEW)
    with pytest.raises(DomainError) as exc:
        actions.round_create(actor=principal, year=g9.world.year, review_date=date(2027, 8, 1))
    assert exc.value.code == E.ROUND_ORDER
    g9.full_council(rnd1)
    rnd1 = actions.round_review(actor=principal, rnd=rnd1)
    g9.dossier_all(rnd1)
    _recognise(g9, rnd1)
    rnd2 = actions.round_create(actor=principal, year=g9.world.year, review_date=date(2027, 8, 1))
    actions.round_review(actor=principal, rnd=rnd2)
    with pytest.raises(DomainError) as exc:
        actions.round_create(actor=principal, year=g9.world.year, review_date=date(2027, 8, 20))
    assert exc.value.code in (E.ROUND_LIMIT, E.ROUND_ORDER)
    GraduationRound.objects.filter(pk=rnd2.pk).update(state="recognised")
    with pytest.raises(DomainError) as exc:
        actions.round_create(actor=principal, year=g9.world.year, review_date=date(2027, 8, 20))
    assert exc.value.code == E.ROUND_LIMIT


def test_second_round_only_before_the_new_year(g9):
    from hoso.testing.factories import make_year

    nxt = make_year(g9.world.school, "2027-2028")
    principal = g9.actor("principal")
    rnd1 = _reviewed(g9)
    _recognise(g9, rnd1)
    with pytest.raises(DomainError) as exc:
        actions.round_create(actor=principal, year=g9.world.year, review_date=nxt.start_date)
    assert exc.value.code == E.ROUND_DATE


def test_authority_from_school_data(g9):
    school = g9.world.school
    assert selectors.authority_title(school) == "Chủ tịch Ủy ban nhân dân phường Thử Nghiệm"
    school.superior_kind, school.office_name = (
        "province",
        "Sở Giáo dục và Đào tạo thành phố Hải Phòng",
    )
    assert selectors.authority_title(school) == (
        "Giám đốc Sở Giáo dục và Đào tạo thành phố Hải Phòng"
    )
    assert "Phòng Giáo dục" not in selectors.authority_title(school)


@pytest.mark.parametrize("role", ["homeroom", "subject", "parent", "inspector", "admin"])
def test_only_managers_write(g9, role):
    with pytest.raises(DomainError) as exc:
        actions.round_create(actor=g9.actor(role), year=g9.world.year, review_date=REVIEW)
    assert exc.value.code == E.FORBIDDEN
    assert AuditEvent.objects.filter(event_type="access.forbidden").exists()


def test_propose_needs_an_eligible_student(g9):
    rnd = actions.round_create(actor=g9.actor("principal"), year=g9.world.year, review_date=REVIEW)
    g9.full_council(rnd)
    rnd = actions.round_review(actor=g9.actor("principal"), rnd=rnd)  # no dossier handed in
    with pytest.raises(DomainError) as exc:
        actions.round_propose(
            actor=g9.actor("clerk"), rnd=rnd, proposal_number="1", proposal_date=REVIEW
        )
    assert exc.value.code == E.NOT_ELIGIBLE


def test_council_warns_of_missing_composition(g9):
    rnd = actions.round_create(actor=g9.actor("principal"), year=g9.world.year, review_date=REVIEW)
    warnings = actions.council_warnings(rnd)
    assert "Giáo viên chủ nhiệm lớp 9A1 (Phan Thị Chín) chưa có trong hội đồng." in warnings
    assert "Hội đồng chưa có đại diện Đoàn / Đội." in warnings
    g9.full_council(rnd)  # includes the 9A1 homeroom teacher
    assert not any("9A1" in w for w in actions.council_warnings(rnd))


def test_continuing_centre_reviews_minimum_age(g9):
    school = g9.world.school
    school.head_title = "Giám đốc"
    school.save()
    young = g9.students[0]
    young.birth_date = date(2013, 1, 1)  # 14 in 2027
    young.save()
    rnd = actions.round_create(actor=g9.actor("principal"), year=g9.world.year, review_date=REVIEW)
    assert rnd.programme == "continuing"
    g9.full_council(rnd)
    rnd = actions.round_review(actor=g9.actor("principal"), rnd=rnd)
    c = rnd.candidates.get(student=young)
    assert c.conditions["age"]["ok"] is False and "từ 15 tuổi" in c.conditions["age"]["reason"]


def test_no_changes_after_the_proposal(g9):
    rnd = _reviewed(g9)
    rnd = actions.round_propose(
        actor=g9.actor("clerk"), rnd=rnd, proposal_number="1/TTr", proposal_date=REVIEW
    )
    with pytest.raises(DomainError) as exc:
        actions.candidate_update(
            actor=g9.actor("clerk"),
            candidate=rnd.candidates.first(),
            dossier={},
            has_priority=False,
            age_exception="",
        )
    assert exc.value.code == E.WRONG_STATE


def test_a_student_leaving_is_dropped_at_the_next_review_and_named(g9):
    rnd = _reviewed(g9)
    e = Enrolment.objects.get(student=g9.students[2])
    e.status, e.end_date = Enrolment.Status.DROPPED_OUT, date(2027, 6, 6)
    e.save()
    actions.round_review(actor=g9.actor("principal"), rnd=rnd)
    assert rnd.candidates.count() == 2
    last = AuditEvent.objects.filter(event_type="graduation.reviewed").order_by("-pk").first()
    assert last.after["removed"] == [g9.students[2].full_name]


def test_typed_attendance_source_uses_the_year_results_count(g9):
    from hoso.attendance.models import AttendanceSettings

    AttendanceSettings.objects.create(school=g9.world.school, source="typed")
    a, b = g9.students[0], g9.students[1]
    approve(
        g9.klass,
        {a: {"decision": "LEN_LOP", "absences": 45}, b: {"decision": "LEN_LOP", "absences": 46}},
    )
    absent(a, g9.klass, 50)  # daily marks are not the source: ignored
    rnd = _reviewed(g9)
    assert _cand(rnd, a).eligible is True
    assert _cand(rnd, b).conditions["programme"]["absences"] == 46
    assert _cand(rnd, b).eligible is False
