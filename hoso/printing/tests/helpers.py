"""Builders for the printing tests: results built through the grade book's helpers."""

from __future__ import annotations

from hoso.gradebook.results.compute import recompute_class
from hoso.gradebook.tests.results_helpers import complete_inputs, fill_all, inputs, rich_school


def graded_class(world, *, extra_students=()):
    """6A1 with seven subjects, every student graded for both terms, training and absences
    entered, comments on, results recomputed (term 1, term 2 and year)."""
    from hoso.testing.factories import make_student

    rich = rich_school(world)
    students = [world.student_a]
    for name in extra_students:
        students.append(make_student(world.school, world.class_a, name))
    for i, student in enumerate(students):
        fill_all(rich, student, 8 - (i % 3), overrides={"NGU_VAN": 7.5})
        complete_inputs(world, student)
        inputs(world, student, general_comment="Chăm ngoan, tiến bộ rõ ở môn Ngữ văn.")
    recompute_class(world.class_a)
    return rich, students


def approve_year(world, rich, periods=("term1", "term2", "year")):
    """Sheets and class signed off, then each period confirmed by the homeroom teacher and
    approved by the principal (through the grade book's actions)."""
    from hoso.gradebook.results import actions as results_actions
    from hoso.gradebook.tests.results_helpers import sign_all

    sign_all(rich)
    for period in periods:
        results_actions.class_result_confirm(
            actor=world.actor("homeroom"), school_class=world.class_a, period=period
        )
        results_actions.class_result_approve(
            actor=world.actor("principal"), school_class=world.class_a, period=period
        )
