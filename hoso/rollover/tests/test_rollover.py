"""The year rollover end to end on a small school, and a closed year reopened for a time.

GIVEN approved results (written directly: the grade book's own tests cover how they are made)
WHEN the clerk previews and runs the rollover THEN every student is where the results say, the
old year's enrolments are closed with their outcome, and nothing is written twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.gradebook.results.models import ClassResult, StudentResult
from hoso.organisation.models import (
    GradeLevel,
    HomeroomAssignment,
    Level,
    SchoolClass,
    SchoolYear,
    YearReopening,
)
from hoso.rollover import actions
from hoso.rollover.errors import RolloverError
from hoso.rollover.models import Rollover
from hoso.students import actions as student_actions
from hoso.students.errors import StudentError
from hoso.students.models import Enrolment
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


def approve(school_class, period: str, decisions: dict) -> None:
    cr, _ = ClassResult.objects.update_or_create(
        school_class=school_class,
        period=period,
        defaults={"state": ClassResult.State.APPROVED, "approved_at": clock.now()},
    )
    for student, data in decisions.items():
        StudentResult.objects.update_or_create(
            class_result=cr,
            student=student,
            defaults={
                "data": data,
                "inputs_hash": "test",
                "ruleset_version": "TT22_2021@test",
                "computed_at": clock.now(),
            },
        )


@pytest.fixture
def school(world):
    """6A1: An promoted, Cúc waiting for a re-test, Dũng transferred out in March;
    6A2: Bình repeats; 9A1: Giang completes lower secondary, Hà repeats grade 9."""
    for number in (7, 8, 9):
        GradeLevel.objects.create(school=world.school, number=number, level=Level.LOWER_SECONDARY)
    grade9 = GradeLevel.objects.get(school=world.school, number=9)
    world.class_9 = SchoolClass.objects.create(year=world.year, grade=grade9, name="9A1")
    s = {"an": world.student_a, "binh": world.student_b}
    s["cuc"] = make_student(world.school, world.class_a, "Lê Thị Cúc", gender="F")
    s["dung"] = make_student(world.school, world.class_a, "Phạm Văn Dũng")
    s["giang"] = make_student(world.school, world.class_9, "Hồ Thị Giang", gender="F")
    s["ha"] = make_student(world.school, world.class_9, "Vũ Thị Hà", gender="F")
    student_actions.enrolment_end(
        actor=world.actor("clerk"),
        enrolment=Enrolment.objects.get(student=s["dung"], year=world.year),
        status=Enrolment.Status.TRANSFERRED_OUT,
        end_date=date(2027, 3, 2),
        note="Chuyển đến Hà Nội",
    )
    world.s = s
    return world


def approve_all(w) -> None:
    approve(
        w.class_a,
        "year",
        {
            w.s["an"]: {"decision": "LEN_LOP"},
            w.s["cuc"]: {"decision": "KIEM_TRA_LAI"},
        },
    )
    approve(w.class_b, "year", {w.s["binh"]: {"decision": "O_LAI_LOP"}})
    approve(
        w.class_9,
        "year",
        {w.s["giang"]: {"decision": "LEN_LOP"}, w.s["ha"]: {"decision": "O_LAI_LOP"}},
    )


def run(rollover, actor, django_capture_on_commit_callbacks) -> Rollover:
    with django_capture_on_commit_callbacks(execute=True):
        actions.rollover_queue(actor=actor, rollover=rollover)
    rollover.refresh_from_db()
    return rollover


def enrolment(student, year) -> Enrolment:
    return Enrolment.objects.select_related("school_class").get(student=student, year=year)


def test_without_approved_results_the_preview_says_why_and_nothing_runs(school):
    clerk = school.actor("clerk")
    rollover = actions.rollover_prepare(actor=clerk, year=school.year)
    messages = [p["message"] for p in rollover.problems]
    assert "Lớp 6A1: kết quả cả năm chưa được phê duyệt." in messages
    assert "Lớp 9A1: kết quả cả năm chưa được phê duyệt." in messages
    with pytest.raises(DomainError) as exc:
        actions.rollover_queue(actor=clerk, rollover=rollover)
    assert exc.value.code == RolloverError.NOT_READY
    assert not SchoolYear.objects.filter(school=school.school, name="2027-2028").exists()


def test_the_rollover_places_every_student_by_its_approved_result(
    school, django_capture_on_commit_callbacks
):
    approve_all(school)
    clerk = school.actor("clerk")
    rollover = actions.rollover_prepare(actor=clerk, year=school.year)
    assert rollover.problems == []
    by_name = {p["name"]: p for p in rollover.placements}
    assert set(by_name) == {
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Thị Cúc",
        "Hồ Thị Giang",
        "Vũ Thị Hà",
    }
    assert "Phạm Văn Dũng" not in by_name  # transferred out: not carried
    classes = {c["key"]: c for c in rollover.classes}
    assert {c["name"] for c in classes.values()} == {"7A1", "6A2", "9A1"}
    assert classes["7|A1"]["from_name"] == "6A1"
    assert classes["7|A1"]["homeroom_name"] == school.people["homeroom"].full_name

    rollover = run(rollover, clerk, django_capture_on_commit_callbacks)
    assert rollover.state == Rollover.State.DONE, rollover.error
    new = SchoolYear.objects.get(school=school.school, name="2027-2028")
    assert rollover.to_year == new
    assert (new.start_date, new.end_date) == (date(2027, 9, 5), date(2028, 5, 31))
    assert list(new.terms.values_list("number", flat=True)) == [1, 2]
    assert new.checkpoints.count() == 4  # the set-up's proposal
    assert "Nghỉ Tết Nguyên đán" in set(new.holidays.values_list("name", flat=True))
    assert new.rulesets == school.year.rulesets

    an = enrolment(school.s["an"], new)
    assert an.school_class.name == "7A1" and an.school_class.previous_class == school.class_a
    assert an.status == Enrolment.Status.STUDYING and an.start_date == new.start_date
    assert enrolment(school.s["binh"], new).school_class.name == "6A2"
    assert enrolment(school.s["ha"], new).school_class.name == "9A1"
    for key in ("giang", "cuc", "dung"):
        assert not Enrolment.objects.filter(student=school.s[key], year=new).exists()
    homeroom = HomeroomAssignment.objects.get(school_class=an.school_class)
    assert homeroom.teacher == school.people["homeroom"]
    assert (homeroom.starts_on, homeroom.ends_on) == (None, None)
    assert homeroom.created_by == school.users["clerk"]

    old = {k: enrolment(school.s[k], school.year) for k in school.s}
    assert old["an"].outcome == Enrolment.Outcome.PROMOTED
    assert old["binh"].outcome == Enrolment.Outcome.REPEATING
    assert old["giang"].outcome == Enrolment.Outcome.COMPLETED
    assert old["ha"].outcome == Enrolment.Outcome.REPEATING
    assert {old[k].closed_on for k in ("an", "binh", "giang", "ha")} == {school.year.end_date}
    assert old["cuc"].outcome == "" and old["cuc"].closed_on is None  # waits for the re-test
    assert old["dung"].status == Enrolment.Status.TRANSFERRED_OUT and old["dung"].outcome == ""
    # The register keeps everybody, the student who left included.
    assert school.s["giang"].register_entry.number > 0

    school.year.refresh_from_db()
    assert not school.year.is_closed  # Cúc still waits
    assert rollover.result["pending"] == 1 and rollover.result["closed_year"] is False
    events = set(
        AuditEvent.objects.filter(school_id=school.school.pk).values_list("event_type", flat=True)
    )
    assert {
        "rollover.prepared",
        "rollover.queued",
        "rollover.committed",
        "rollover.class_closed",
        "rollover.class_filled",
        "year.created",
        "class.created",
    } <= events

    # The last year's enrolment cannot be "transferred out" again.
    with pytest.raises(DomainError) as exc:
        student_actions.enrolment_end(
            actor=clerk,
            enrolment=old["an"],
            status=Enrolment.Status.TRANSFERRED_OUT,
            end_date=date(2027, 6, 10),
        )
    assert exc.value.code == StudentError.YEAR_CLOSED

    # Second pass, once the re-test result is approved: Cúc moves up, the year closes.
    approve(school.class_a, "final", {school.s["cuc"]: {"final_decision": "LEN_LOP"}})
    second = actions.rollover_prepare(actor=clerk, year=school.year)
    assert second.pass_number == 2 and second.target == {"year_id": new.pk}
    assert [p["name"] for p in second.placements] == ["Lê Thị Cúc"]
    assert [c["exists"] for c in second.classes] == [True]
    second = run(second, clerk, django_capture_on_commit_callbacks)
    assert second.state == Rollover.State.DONE, second.error
    assert enrolment(school.s["cuc"], new).school_class == an.school_class
    assert SchoolClass.objects.filter(year=new, name="7A1").count() == 1
    school.year.refresh_from_db()
    assert school.year.is_closed and school.year.closed_by == school.users["clerk"]


def test_a_change_after_the_preview_fails_the_commit_and_writes_nothing(
    school, django_capture_on_commit_callbacks
):
    approve_all(school)
    clerk = school.actor("clerk")
    rollover = actions.rollover_prepare(actor=clerk, year=school.year)
    with django_capture_on_commit_callbacks(execute=False):
        actions.rollover_queue(actor=clerk, rollover=rollover)
    # The principal reopens and changes a result between the queueing and the run.
    StudentResult.objects.filter(student=school.s["binh"]).update(data={"decision": "LEN_LOP"})
    done = actions.rollover_run(rollover_id=rollover.pk)
    assert done.state == Rollover.State.FAILED
    assert "đã thay đổi từ lúc xem trước" in done.error
    assert not SchoolYear.objects.filter(school=school.school, name="2027-2028").exists()
    assert not Enrolment.objects.filter(year=school.year).exclude(outcome="").exists()
    # Retry: the preview is computed again and runs.
    again = actions.rollover_retry(actor=clerk, rollover=done)
    assert again.state == Rollover.State.PREVIEW
    bình = next(p for p in again.placements if p["name"] == "Trần Thị Bình")
    assert bình["outcome"] == "promoted"


def test_rows_already_in_the_next_year_are_never_overwritten(
    school, django_capture_on_commit_callbacks
):
    approve_all(school)
    new = SchoolYear.objects.create(
        school=school.school,
        name="2027-2028",
        start_date=date(2027, 9, 6),
        end_date=date(2028, 5, 30),
    )
    grade7 = GradeLevel.objects.get(school=school.school, number=7)
    prepared = SchoolClass.objects.create(year=new, grade=grade7, name="7A1", sessions_per_day=1)
    Enrolment.objects.create(
        student=school.s["an"], year=new, school_class=prepared, start_date=date(2027, 9, 6)
    )
    clerk = school.actor("clerk")
    rollover = actions.rollover_prepare(actor=clerk, year=school.year)
    assert rollover.target == {"year_id": new.pk}
    assert {c["name"]: c["exists"] for c in rollover.classes}["7A1"] is True
    rollover = run(rollover, clerk, django_capture_on_commit_callbacks)
    assert rollover.state == Rollover.State.DONE, rollover.error
    assert Enrolment.objects.filter(student=school.s["an"], year=new).count() == 1
    assert [s["name"] for s in rollover.result["skipped"]] == ["Nguyễn Văn An"]
    prepared.refresh_from_db()
    assert prepared.sessions_per_day == 1 and prepared.previous_class is None  # untouched


def test_renamed_classes_and_a_missing_grade_show_in_the_preview(school):
    approve_all(school)
    GradeLevel.objects.filter(school=school.school, number=7).delete()
    clerk = school.actor("clerk")
    rollover = actions.rollover_prepare(actor=clerk, year=school.year)
    assert any("khối 7" in p["message"] for p in rollover.problems)
    GradeLevel.objects.create(school=school.school, number=7, level=Level.LOWER_SECONDARY)
    rollover = actions.rollover_set_options(
        actor=clerk, rollover=rollover, names={"7|A1": "7 Chất lượng cao"}, carry_homeroom=False
    )
    assert rollover.problems == []
    names = {c["key"]: c["name"] for c in rollover.classes}
    assert names["7|A1"] == "7 Chất lượng cao"
    assert all(c["homeroom_staff"] is None for c in rollover.classes)
    with pytest.raises(DomainError) as exc:
        actions.rollover_set_options(
            actor=clerk, rollover=rollover, names={"7|A1": "x" * 21}, carry_homeroom=False
        )
    assert exc.value.code == RolloverError.BAD_CLASS_NAME
    dup = actions.rollover_set_options(
        actor=clerk, rollover=rollover, names={"7|A1": "6A2"}, carry_homeroom=False
    )
    assert any("cùng tên 6A2" in p["message"] for p in dup.problems)


@pytest.mark.parametrize("role", ["clerk", "vice", "principal"])
def test_who_may_roll_over(school, role):
    assert actions.rollover_prepare(actor=school.actor(role), year=school.year).pk


@pytest.mark.parametrize(
    "role", ["homeroom", "subject", "admin", "dept_head", "accountant", "parent", "inspector"]
)
def test_who_may_not_roll_over(school, role):
    with pytest.raises(PermissionDenied):
        actions.rollover_prepare(actor=school.actor(role), year=school.year)


def test_one_rollover_at_a_time_per_year(school):
    clerk = school.actor("clerk")
    first = actions.rollover_prepare(actor=clerk, year=school.year)
    with pytest.raises(DomainError) as exc:
        actions.rollover_prepare(actor=school.actor("vice"), year=school.year)
    assert exc.value.code == RolloverError.ALREADY_RUNNING
    actions.rollover_cancel(actor=clerk, rollover=first)
    assert actions.rollover_prepare(actor=clerk, year=school.year).pk != first.pk


def test_a_closed_year_is_reopened_for_a_purpose_until_a_time(school, time_machine):
    school.year.is_closed = True
    school.year.save()
    principal = school.actor("principal")
    until = clock.now() + timedelta(days=10)
    with pytest.raises(PermissionDenied):
        actions.year_reopen(
            actor=school.actor("vice"),
            year=school.year,
            reason="Sai sót",
            purpose="Học bạ",
            scope=["transcripts"],
            until=until,
        )
    with pytest.raises(DomainError) as exc:
        actions.year_reopen(
            actor=principal,
            year=school.year,
            reason="",
            purpose="Học bạ",
            scope=["transcripts"],
            until=until,
        )
    assert exc.value.code == RolloverError.REOPEN_REASON_REQUIRED
    actions.year_reopen(
        actor=principal,
        year=school.year,
        reason="Còn 3 học bạ chưa ký",
        purpose="Hoàn thiện học bạ năm trước",
        scope=["transcripts"],
        until=until,
    )
    year = SchoolYear.objects.get(pk=school.year.pk)
    assert year.writable_for("transcripts") and not year.writable_for("gradebook")
    assert YearReopening.objects.get(year=year).purpose == "Hoàn thiện học bạ năm trước"
    event = AuditEvent.objects.filter(event_type="year.reopened").latest("seq")
    assert event.after["reopen_scope"] == ["transcripts"]
    time_machine.move_to(until + timedelta(minutes=1))
    assert not SchoolYear.objects.get(pk=year.pk).writable_for("transcripts")


def test_a_reopening_can_end_early(school):
    school.year.is_closed = True
    school.year.save()
    principal = school.actor("principal")
    actions.year_reopen(
        actor=principal,
        year=school.year,
        reason="Sửa kết quả",
        purpose="Kết quả kiểm tra lại",
        scope=["results"],
        until=clock.now() + timedelta(days=3),
    )
    actions.year_reopening_end(actor=principal, year=school.year)
    year = SchoolYear.objects.get(pk=school.year.pk)
    assert not year.writable_for("results") and year.reopened_until is None
    assert YearReopening.objects.get(year=year).ended_by == school.users["principal"]


def test_pages(client, school, django_capture_on_commit_callbacks):
    approve_all(school)
    client.force_login(school.users["clerk"])
    assert client.get(reverse("rollover:index")).status_code == 200
    response = client.post(reverse("rollover:prepare"), {"year": school.year.pk})
    rollover = Rollover.objects.get()
    assert response.url == reverse("rollover:detail", args=[rollover.pk])
    page = client.get(response.url)
    body = page.content.decode()
    assert page.status_code == 200 and "7A1" in body and "Nguyễn Văn An" in body
    assert 'name="start"' in body  # the new year's calendar is asked for
    form = {
        "ten-7|A1": "7A1",
        "ten-6|A2": "6A2",
        "ten-9|A1": "9A1",
        "giu-gvcn": "1",
        "start": "2027-09-05",
        "end": "2028-05-31",
        "term1_start": "2027-09-05",
        "term1_end": "2028-01-15",
        "term2_start": "2028-01-17",
        "term2_end": "2028-05-31",
        "mid1": "2027-11-01",
        "end1": "2028-01-10",
        "mid2": "2028-03-20",
        "end2": "2028-05-15",
    }
    bad = client.post(response.url, {**form, "end": "2027-08-01"})
    assert bad.status_code == 200 and "2027-08-01" in bad.content.decode()  # kept as typed
    assert client.post(response.url, form).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rollover:act", args=[rollover.pk, "chuyen"]))
    rollover.refresh_from_db()
    assert rollover.state == Rollover.State.DONE
    created = SchoolYear.objects.get(school=school.school, name="2027-2028")
    assert created.checkpoints.get(kind="mid1").date == date(2027, 11, 1)
    assert created.holidays.filter(name="Nghỉ Tết Nguyên đán").exists()  # kept from the proposal
    status = client.get(response.url, {"trang-thai": "1"}, HTTP_HX_REQUEST="true")
    assert "Đã chuyển sang năm học 2027-2028" in status.content.decode()
    client.force_login(school.users["homeroom"])
    assert client.get(reverse("rollover:index")).status_code == 403
    assert client.get(response.url).status_code == 404


def test_reopen_page(client, school):
    school.year.is_closed = True
    school.year.save()
    client.force_login(school.users["principal"])
    url = reverse("rollover:reopen", args=[school.year.pk])
    assert client.get(url).status_code == 200
    until = (clock.today() + timedelta(days=5)).isoformat()
    response = client.post(
        url,
        {"reason": "Còn học bạ", "purpose": "Ký học bạ", "scope": ["transcripts"], "until": until},
    )
    assert response.status_code == 302
    assert SchoolYear.objects.get(pk=school.year.pk).is_reopened()
    client.force_login(school.users["admin"])
    assert client.get(url).status_code == 403


def test_the_homeroom_teacher_who_ends_the_year_moves_up_with_the_class(school):
    from hoso.organisation.assignments.actions import homeroom_set

    approve_all(school)
    homeroom_set(
        actor=school.actor("vice"),
        school_class=school.class_a,
        teacher=school.people["outsider"],
        starts_on=date(2027, 2, 1),
        reason="Cô Lan nghỉ sinh",
    )
    rollover = actions.rollover_prepare(actor=school.actor("clerk"), year=school.year)
    planned = {c["key"]: c for c in rollover.classes}["7|A1"]
    assert planned["homeroom_staff"] == school.people["outsider"].pk
