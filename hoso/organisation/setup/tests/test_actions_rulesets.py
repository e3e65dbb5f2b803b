"""The rule set per grade: GIVEN a year with the roadmap's proposal, WHEN the school chooses a
registered rule set valid for a grade, THEN the grade keeps its own (``grade:N``) and the grade
book reads it; a rule set of another level is refused, and so is any change once the grade has
results in that year."""

from __future__ import annotations

import pytest

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.gradebook.results.compute import class_ruleset
from hoso.organisation.setup import actions
from hoso.organisation.setup.errors import SetupError
from hoso.organisation.setup.selectors import ruleset_rows
from hoso.organisation.setup.tests.conftest import fresh_school, grade_book_entry, make_year

pytestmark = pytest.mark.django_db


def test_a_grade_gets_its_own_rule_set_and_the_grade_book_follows(db):
    centre = fresh_school(code="GDTX-A", level="continuing")
    make_year(centre, 2027)
    admin = centre.actor("admin")
    (c,) = actions.classes_add(actor=admin, grade_number=10, names=["10A"], sessions_per_day=1)
    rows = {r.grade.number: r for r in ruleset_rows(admin)}
    assert rows[10].proposal == rows[10].chosen == "TT43_2021"
    assert [code for code, _ in rows[10].choices] == ["TT43_2021"]
    with pytest.raises(DomainError) as caught:
        actions.year_rulesets_set(actor=admin, choices={10: "TT22_2021"})
    assert caught.value.code == SetupError.RULESET_INVALID
    assert caught.value.message == "Bộ quy tắc TT22_2021 không áp dụng cho khối 10."
    c.refresh_from_db()
    assert class_ruleset(c) == "TT43_2021"


def test_the_choice_is_stored_per_grade_and_audited(world):
    """The small school has grade 6 only; its year stores the level's rule set."""
    actions.year_rulesets_set(actor=world.actor("admin"), choices={6: "TT22_2021"})
    world.year.refresh_from_db()
    assert world.year.rulesets == {"lower_secondary": "TT22_2021", "grade:6": "TT22_2021"}
    event = AuditEvent.objects.get(event_type="year.rulesets_changed")
    assert event.actor == world.users["admin"]
    assert event.before == {"lower_secondary": "TT22_2021"}
    assert event.after == {"lower_secondary": "TT22_2021", "grade:6": "TT22_2021"}
    with pytest.raises(DomainError) as caught:
        actions.year_rulesets_set(actor=world.actor("admin"), choices={7: "TT22_2021"})
    assert caught.value.code == SetupError.GRADE_NOT_IN_SCHOOL


def test_results_lock_the_grades_rule_set(world):
    grade_book_entry(world, student=world.student_a, school_class=world.class_a)
    admin = world.actor("admin")
    (row,) = [r for r in ruleset_rows(admin) if r.grade.number == 6]
    assert row.locked == "1 kết quả trong sổ điểm"
    # Choosing what is already in force is no change: allowed.
    actions.year_rulesets_set(actor=admin, choices={6: "TT22_2021"})
    # A different one is refused (a registered secondary rule set that is not TT22 does not exist
    # for lower secondary, so pretend the stored one were another).
    world.year.rulesets = {"grade:6": "TT43_2021"}
    world.year.save()
    with pytest.raises(DomainError) as caught:
        actions.year_rulesets_set(actor=world.actor("admin"), choices={6: "TT22_2021"})
    assert caught.value.code == SetupError.RULESET_LOCKED
    assert caught.value.message == (
        "Khối 6 đã có kết quả đánh giá trong năm học 2026-2027 (1 kết quả trong sổ điểm): "
        "không đổi được bộ quy tắc đánh giá."
    )
    world.year.refresh_from_db()
    assert world.year.rulesets == {"grade:6": "TT43_2021"}
