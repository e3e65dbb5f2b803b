"""Results computed by the rule set from the grade book and the homeroom teacher's inputs
(GIVEN a grade-6 class with seven subjects, WHEN results are recomputed, confirmed, approved,
THEN the numbers are the rule set's, unchanged rows are not rewritten, approved rows are frozen)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.results import actions as results_actions
from hoso.gradebook.results.compute import (
    load_inputs,
    recompute_class,
    recompute_school,
    result_refresh_after_correction,
    secondary_case,
)
from hoso.gradebook.results.models import ClassResult, HomeroomInput, StudentResult
from hoso.gradebook.tests.results_helpers import (
    complete_inputs,
    fill,
    fill_all,
    inputs,
    put,
    rich_school,
    sign_all,
)
from hoso.testing.factories import make_student


@pytest.fixture
def rich(world):
    return rich_school(world)


def row(world, period, student=None):
    return StudentResult.objects.get(
        class_result__school_class=world.class_a,
        class_result__period=period,
        student=student or world.student_a,
    )


def state(world, period):
    return ClassResult.objects.get(school_class=world.class_a, period=period).state


ISSUE_TOAN = {
    1: {"TX1": "8.0", "TX2": "7.5", "TX3": "9.0", "TX4": "8.0", "GK": "7.0", "CK": "8.5"},
    2: {"TX1": "8.0", "TX2": "8.0", "TX3": "9.0", "TX4": "8.0", "GK": "8.0", "CK": "8.0"},
}


def issue_example(rich):
    """The issue's worked example for Toán (8,0 / 8,1 / 8,1), every other subject at 8,0."""
    world = rich.world
    fill_all(rich, world.student_a, 8)
    for n, values in ISSUE_TOAN.items():
        put(world, world.student_a, world.math, rich.terms[n], values)
    complete_inputs(world, world.student_a, training=("T", "K"), absences=(5, 7))


# ------------------------------------------------------------------------------ assembly


@pytest.mark.django_db
def test_the_issue_example_is_assembled_from_the_grade_book_and_computed(world, rich):
    issue_example(rich)
    summary = recompute_class(world.class_a)
    assert (summary.students, summary.created) == (1, 3)
    term1, term2, year = row(world, "term1"), row(world, "term2"), row(world, "year")
    assert term1.data["subjects"]["TOAN"] == {"term1": 8.0}
    assert term2.data["subjects"]["TOAN"] == {"term2": 8.1}
    assert year.data["subjects"]["TOAN"] == {"term1": 8.0, "term2": 8.1, "year": 8.1}
    assert year.data["subjects"]["GDTC"] == {"term1": "D", "term2": "D", "year": "D"}
    # Six score subjects ≥ 8,0, the comment subject Đạt → Tốt; training T then K → Khá.
    assert year.data["learning"]["year"] == "T"
    assert year.data["training"]["year"] == "K"
    assert year.data["absences"] == 12
    assert year.data["decision"] == "LEN_LOP" and year.data["title"] is None
    assert year.ruleset_version == "TT22_2021@1.0" and len(year.inputs_hash) == 64
    assert term1.data["training"] == {"term1": "T"} and term1.data["absences"] == 5
    assert term1.data["errors"] == [] and year.data["errors"] == []
    assert any("Kết quả học tập cả năm Tốt" in s for s in year.data["explanation"])
    assert any(s.startswith("Kết quả học tập học kì I Tốt") for s in term1.data["explanation"])
    assert not any("học kì II" in s for s in term1.data["explanation"])


@pytest.mark.django_db
def test_regular_results_follow_the_column_order(world, rich):
    put(world, world.student_a, world.math, world.term1, {"TX6": "6", "TX1": "9", "TX2": "7"})
    ci = load_inputs(world.year, [world.class_a])[0]
    case = secondary_case(ci, world.student_a.pk)
    toan = next(s for s in case["subjects"] if s["code"] == "TOAN")
    assert toan["term1"] == {"regular": ["9", "7", "6"], "midterm": None, "final": None}
    assert toan["periods_per_year"] == 140 and toan["assessment"] == "score"
    assert [s["code"] for s in case["subjects"]][:2] == ["TOAN", "NGU_VAN"]
    assert case["training"] == {"term1": None, "term2": None, "summer": None}
    assert case["absences"] is None


@pytest.mark.django_db
def test_a_term_result_does_not_wait_for_the_other_term(world, rich):
    fill_all(rich, world.student_a, 7, terms=(1,))
    inputs(world, world.student_a, training_term1="K", absences_term1=0)
    recompute_class(world.class_a)
    term1, year = row(world, "term1"), row(world, "year")
    assert term1.data["errors"] == []
    assert term1.data["learning"] == {"term1": "K"}
    assert year.data["learning"]["year"] is None
    codes = {e["code"] for e in year.data["errors"]}
    assert {"MISSING_REGULAR", "MISSING_PERIODIC", "MISSING_INPUT"} <= codes
    term2 = row(world, "term2")
    messages = [e["message"] for e in term2.data["errors"]]
    assert any("Chưa có kết quả rèn luyện học kì II" in m for m in messages)
    assert not any("học kì I:" in m for m in messages)


# ------------------------------------------------------------------------------ recomputation


@pytest.mark.django_db
def test_recomputation_writes_only_rows_whose_inputs_changed(world, rich):
    issue_example(rich)
    recompute_class(world.class_a, trigger="test")
    assert AuditEvent.objects.filter(event_type="results.recomputed").count() == 1
    event = AuditEvent.objects.get(event_type="results.recomputed")
    assert event.after["periods"]["year"] == {"created": 1, "updated": 0, "removed": 0}
    before = {p: row(world, p).computed_at for p in ("term1", "term2", "year")}

    again = recompute_class(world.class_a)
    assert again.changed == 0
    assert AuditEvent.objects.filter(event_type="results.recomputed").count() == 1

    put(world, world.student_a, world.math, rich.term2, {"CK": "10.0"})
    changed = recompute_class(world.class_a)
    assert (changed.created, changed.updated) == (0, 2)  # term 2 and the year, not term 1
    assert row(world, "term1").computed_at == before["term1"]
    assert row(world, "term2").computed_at > before["term2"]
    assert row(world, "year").data["subjects"]["TOAN"]["term2"] == 8.8
    assert AuditEvent.objects.filter(event_type="results.recomputed").count() == 2


@pytest.mark.django_db
def test_a_student_who_leaves_is_removed_from_open_results(world, rich):
    other = make_student(world.school, world.class_a, "Lê Thị Cúc", gender="F")
    recompute_class(world.class_a)
    assert StudentResult.objects.filter(student=other).count() == 3
    enrolment = other.enrolments.get()
    enrolment.end_date, enrolment.status = world.year.start_date, "transferred_out"
    enrolment.save()
    summary = recompute_class(world.class_a)
    assert summary.removed == 3
    assert not StudentResult.objects.filter(student=other).exists()


@pytest.mark.django_db
def test_retest_results_entered_later_give_the_final_decision(world, rich):
    fill_all(rich, world.student_a, 8, overrides={"TOAN": 3, "NGU_VAN": 4})
    complete_inputs(world, world.student_a)
    recompute_class(world.class_a)
    year = row(world, "year").data
    assert year["learning"]["year"] == "CD" and year["decision"] == "KIEM_TRA_LAI"
    assert year["retest_subjects"] == ["TOAN", "NGU_VAN"] and year["final_decision"] is None

    saved = results_actions.homeroom_inputs_save(
        actor=world.actor("homeroom"),
        school_class=world.class_a,
        rows={world.student_a.pk: {"retest": {"TOAN": "6,5", "NGU_VAN": "5"}}},
    )
    assert saved.changed == 1 and saved.recompute.updated == 1  # only the year depends on it
    assert HomeroomInput.objects.get().retest == {"TOAN": "6.5", "NGU_VAN": "5.0"}
    year = row(world, "year").data
    assert year["subjects"]["TOAN"]["retest"] == 6.5
    assert year["learning"]["year_after_retest"] == "D"
    assert year["final_decision"] == "LEN_LOP"
    assert any("sau kiểm tra lại" in s for s in year["explanation"])


@pytest.mark.django_db
def test_summer_training_result_entered_later_gives_the_final_decision(world, rich):
    fill_all(rich, world.student_a, 8)
    complete_inputs(world, world.student_a, training=("CD", "CD"))
    recompute_class(world.class_a)
    assert row(world, "year").data["decision"] == "REN_LUYEN_HE"
    results_actions.homeroom_inputs_save(
        actor=world.actor("homeroom"),
        school_class=world.class_a,
        rows={world.student_a.pk: {"training_summer": "Đ"}},
    )
    year = row(world, "year").data
    assert year["training"]["year_after_summer"] == "D"
    assert year["final_decision"] == "LEN_LOP"


# ------------------------------------------------------------------------------ homeroom inputs


@pytest.mark.django_db
def test_bad_homeroom_inputs_are_refused_all_or_nothing(world, rich):
    sid = world.student_a.pk
    with pytest.raises(results_actions.InputsInvalid) as exc:
        results_actions.homeroom_inputs_save(
            actor=world.actor("homeroom"),
            school_class=world.class_a,
            rows={
                sid: {
                    "training_term1": "Giỏi",
                    "training_term2": "k",
                    "absences_term1": "-1",
                    "absences_term2": "ba",
                    "retest": {"TOAN": "11", "GDTC": "X"},
                }
            },
        )
    assert exc.value.code == "BAD_INPUT"
    errors = exc.value.errors
    assert set(errors) == {
        (sid, "training_term1"),
        (sid, "absences_term1"),
        (sid, "absences_term2"),
        (sid, "retest_TOAN"),
        (sid, "retest_GDTC"),
    }
    assert "T, K, Đ, CĐ" in errors[(sid, "training_term1")]
    assert "0–10" in errors[(sid, "retest_TOAN")]
    assert not HomeroomInput.objects.exists()
    assert not AuditEvent.objects.filter(event_type="results.inputs_saved").exists()


@pytest.mark.django_db
def test_homeroom_inputs_are_normalised_audited_and_recomputed(world, rich, typed_absences):
    sid = world.student_a.pk
    results_actions.homeroom_inputs_save(
        actor=world.actor("homeroom"),
        school_class=world.class_a,
        rows={
            sid: {
                "training_term1": "tốt",
                "training_term2": "CĐ",
                "absences_term1": "3",
                "absences_term2": "",
                "general_comment": "  Em  chăm ngoan ",
            }
        },
    )
    hi = HomeroomInput.objects.get()
    assert (hi.training_term1, hi.training_term2, hi.absences_term1, hi.absences_term2) == (
        "T",
        "CD",
        3,
        None,
    )
    assert hi.general_comment == "Em chăm ngoan" and hi.updated_by == world.users["homeroom"]
    event = AuditEvent.objects.get(event_type="results.inputs_saved")
    assert event.before == {
        str(sid): {
            "training_term1": "",
            "training_term2": "",
            "absences_term1": None,
            "general_comment": "",
        }
    }
    assert event.after[str(sid)]["training_term2"] == "CD"
    assert row(world, "term1").data["training"] == {"term1": "T"}


@pytest.mark.django_db
def test_only_the_homeroom_teacher_enters_homeroom_inputs(world, rich):
    for who in ("subject", "principal", "vice", "dept_head"):
        with pytest.raises(PermissionDenied):
            results_actions.homeroom_inputs_save(
                actor=world.actor(who),
                school_class=world.class_a,
                rows={world.student_a.pk: {"training_term1": "T"}},
            )
    assert not HomeroomInput.objects.exists()


# ------------------------------------------------------------------------------ state machine


@pytest.mark.django_db
def test_confirmation_needs_complete_results_and_the_class_signed_off(world, rich):
    homeroom = world.actor("homeroom")
    fill_all(rich, world.student_a, 8, terms=(1,))
    with pytest.raises(results_actions.BlockingErrors) as exc:
        results_actions.class_result_confirm(
            actor=homeroom, school_class=world.class_a, period="term1"
        )
    assert exc.value.code == "INCOMPLETE"
    assert "Nguyễn Văn An" in exc.value.message
    assert [r.student for r in exc.value.rows] == [world.student_a]

    inputs(world, world.student_a, training_term1="T", absences_term1=2)
    with pytest.raises(DomainError) as exc:
        results_actions.class_result_confirm(
            actor=homeroom, school_class=world.class_a, period="term1"
        )
    assert exc.value.code == "NOT_SIGNED"

    sign_all(rich, terms=(1,))
    for who in ("subject", "principal"):
        with pytest.raises(PermissionDenied):
            results_actions.class_result_confirm(
                actor=world.actor(who), school_class=world.class_a, period="term1"
            )
    cr = results_actions.class_result_confirm(
        actor=homeroom, school_class=world.class_a, period="term1"
    )
    assert cr.state == "confirmed" and cr.confirmed_by == world.users["homeroom"]
    with pytest.raises(DomainError) as exc:
        results_actions.class_result_confirm(
            actor=homeroom, school_class=world.class_a, period="term1"
        )
    assert exc.value.code == "BAD_STATE"
    event = AuditEvent.objects.get(event_type="results.confirmed")
    assert event.after == {"state": "confirmed", "period": "term1", "students": 1}

    results_actions.class_result_unconfirm(
        actor=homeroom, school_class=world.class_a, period="term1"
    )
    assert state(world, "term1") == "draft"
    assert AuditEvent.objects.filter(event_type="results.unconfirmed").count() == 1


def approve_term1(world, rich):
    fill_all(rich, world.student_a, 8)
    complete_inputs(world, world.student_a)
    sign_all(rich, terms=(1, 2))
    results_actions.class_result_confirm(
        actor=world.actor("homeroom"), school_class=world.class_a, period="term1"
    )
    return results_actions.class_result_approve(
        actor=world.actor("principal"), school_class=world.class_a, period="term1"
    )


@pytest.mark.django_db
def test_only_the_principal_approves_a_confirmed_result(world, rich):
    fill_all(rich, world.student_a, 8)
    complete_inputs(world, world.student_a)
    sign_all(rich)
    recompute_class(world.class_a)
    with pytest.raises(DomainError) as exc:
        results_actions.class_result_approve(
            actor=world.actor("principal"), school_class=world.class_a, period="year"
        )
    assert exc.value.code == "BAD_STATE"  # not confirmed yet
    results_actions.class_result_confirm(
        actor=world.actor("homeroom"), school_class=world.class_a, period="year"
    )
    for who in ("vice", "homeroom", "admin", "dept_head"):
        with pytest.raises(PermissionDenied):
            results_actions.class_result_approve(
                actor=world.actor(who), school_class=world.class_a, period="year"
            )
    cr = results_actions.class_result_approve(
        actor=world.actor("principal"), school_class=world.class_a, period="year"
    )
    assert cr.state == "approved" and cr.approved_by == world.users["principal"]
    event = AuditEvent.objects.get(event_type="results.approved")
    assert event.after["promotion"] == 1 and event.after["students"] == 1
    with pytest.raises(DomainError) as exc:
        results_actions.class_result_unconfirm(
            actor=world.actor("homeroom"), school_class=world.class_a, period="year"
        )
    assert exc.value.code == "APPROVED"


@pytest.mark.django_db
def test_approved_results_are_frozen(world, rich, typed_absences):
    approve_term1(world, rich)
    frozen = row(world, "term1")
    # A grade of term 1: the grade book refuses it.
    with pytest.raises(DomainError) as exc:
        actions.assessment_save(
            actor=world.actor("subject"),
            sheet=load_sheet(world.class_a, world.math, world.term1),
            student=world.student_a,
            column_key="TX5",
            raw_value="2",
        )
    assert exc.value.code == "APPROVED"
    # The homeroom teacher's term-1 inputs: refused too.
    with pytest.raises(results_actions.InputsInvalid) as exc:
        results_actions.homeroom_inputs_save(
            actor=world.actor("homeroom"),
            school_class=world.class_a,
            rows={world.student_a.pk: {"absences_term1": "9"}},
        )
    assert "đã được phê duyệt" in exc.value.errors[(world.student_a.pk, "absences_term1")]
    # Data changed behind its back: recomputation leaves the approved row as it was.
    put(world, world.student_a, world.math, world.term1, {"CK": "2.0"})
    summary = recompute_class(world.class_a)
    assert summary.frozen == 1
    again = row(world, "term1")
    assert again.data == frozen.data and again.computed_at == frozen.computed_at
    assert row(world, "year").data["subjects"]["TOAN"]["term1"] != 8.0  # open periods follow


@pytest.mark.django_db
def test_a_correction_refreshes_one_frozen_row_audited(world, rich):
    approve_term1(world, rich)
    put(world, world.student_a, world.math, world.term1, {"CK": "2.0"})
    result_refresh_after_correction(
        actor=world.actor("subject"),
        school_class=world.class_a,
        student=world.student_a,
        reason="biên bản 01",
    )
    assert row(world, "term1").data["subjects"]["TOAN"]["term1"] == 6.0  # (4·8 + 2·8 + 3·2) / 9
    assert state(world, "term1") == "approved"
    event = AuditEvent.objects.get(event_type="results.corrected")
    assert event.after["student"] == world.student_a.pk


@pytest.mark.django_db
def test_a_change_after_confirmation_withdraws_the_confirmation(world, rich, typed_absences):
    fill_all(rich, world.student_a, 8)
    complete_inputs(world, world.student_a)
    sign_all(rich)
    results_actions.class_result_confirm(
        actor=world.actor("homeroom"), school_class=world.class_a, period="term2"
    )
    results_actions.homeroom_inputs_save(
        actor=world.actor("homeroom"),
        school_class=world.class_a,
        rows={world.student_a.pk: {"absences_term2": "4"}},
    )
    assert state(world, "term2") == "draft"
    event = AuditEvent.objects.filter(event_type="results.recomputed").latest("seq")
    assert event.after["unconfirmed"] == ["term2"]


@pytest.mark.django_db
def test_after_summer_results_open_once_the_year_is_approved(world, rich):
    fill_all(rich, world.student_a, 8, overrides={"TOAN": 3, "NGU_VAN": 4})
    complete_inputs(world, world.student_a)
    sign_all(rich)
    results_actions.class_result_confirm(
        actor=world.actor("homeroom"), school_class=world.class_a, period="year"
    )
    results_actions.class_result_approve(
        actor=world.actor("principal"), school_class=world.class_a, period="year"
    )
    approved = row(world, "year").data
    results_actions.homeroom_inputs_save(
        actor=world.actor("homeroom"),
        school_class=world.class_a,
        rows={world.student_a.pk: {"retest": {"TOAN": "4", "NGU_VAN": "6"}}},
    )
    assert row(world, "year").data == approved  # frozen
    final = row(world, "final").data
    assert final["period"] == "final" and final["final_decision"] == "O_LAI_LOP"
    assert final["learning"]["year_after_retest"] == "CD"
    assert state(world, "final") == "draft"
    results_actions.class_result_confirm(
        actor=world.actor("homeroom"), school_class=world.class_a, period="final"
    )
    results_actions.class_result_approve(
        actor=world.actor("principal"), school_class=world.class_a, period="final"
    )
    with pytest.raises(results_actions.InputsInvalid):
        results_actions.homeroom_inputs_save(
            actor=world.actor("homeroom"),
            school_class=world.class_a,
            rows={world.student_a.pk: {"retest": {"TOAN": "7"}}},
        )


# ------------------------------------------------------------------------------ primary, school


@pytest.mark.django_db
def test_primary_results_show_what_can_be_computed_without_qualities(world):
    from hoso.organisation.models import GradeLevel, Level, SchoolClass, Subject, SubjectOffering

    world.year.rulesets = {"lower_secondary": "TT22_2021", "primary": "TT27_2020"}
    world.year.save()
    grade = GradeLevel.objects.create(school=world.school, number=3, level=Level.PRIMARY)
    cls = SchoolClass.objects.create(year=world.year, grade=grade, name="3A")
    tv = Subject.objects.create(
        school=world.school, level=Level.PRIMARY, code="TV", name="Tiếng Việt", assessment="both"
    )
    dd = Subject.objects.create(
        school=world.school, level=Level.PRIMARY, code="DD", name="Đạo đức", assessment="comment"
    )
    for s in (tv, dd):
        SubjectOffering.objects.create(subject=s, grade=grade, periods_per_year=245)
    pupil = make_student(world.school, cls, "Phan Minh Châu")
    term2 = world.year.terms.get(number=2)
    put(world, pupil, tv, world.term1, {"MUC_end1": "T", "KT_end1": "9"}, school_class=cls)
    put(world, pupil, dd, world.term1, {"MUC_end1": "H"}, school_class=cls)
    put(world, pupil, tv, term2, {"MUC_end2": "T", "KT_end2": "8"}, school_class=cls)
    put(world, pupil, dd, term2, {"MUC_end2": "T"}, school_class=cls)
    inputs(world, pupil, absences_term1=1, absences_term2=0)
    recompute_class(cls)
    periods = set(ClassResult.objects.filter(school_class=cls).values_list("period", flat=True))
    assert periods == {"term1", "year"}
    term1 = StudentResult.objects.get(class_result__school_class=cls, class_result__period="term1")
    assert term1.data["subjects"] == {"TV": {"level": "T", "test": "9"}, "DD": {"level": "H"}}
    assert term1.data["errors"] == []
    year = StudentResult.objects.get(class_result__school_class=cls, class_result__period="year")
    assert year.data["qualities_missing"] is True and year.data["overall"] is None
    assert year.data["subjects"]["TV"] == {"level": "T", "test": "8"}
    assert year.ruleset_version == "TT27_2020@1.0"


@pytest.mark.django_db
def test_school_recomputation_reads_in_bulk(world, rich):
    def queries_for(extra: int) -> int:
        StudentResult.objects.all().delete()
        for i in range(extra):
            s = make_student(world.school, world.class_b, f"Học Sinh Số{i}")
            fill(rich, s, "TOAN", 1, 7, school_class=world.class_b)
        with CaptureQueriesContext(connection) as ctx:
            count = recompute_school(world.year)
        return count, len(ctx.captured_queries)

    fill_all(rich, world.student_a, 8)
    recompute_school(world.year)  # creates the class results once
    small_count, small = queries_for(0)
    big_count, big = queries_for(6)
    assert (small_count, big_count) == (2, 8)
    assert big == small  # the number of queries does not grow with the students
