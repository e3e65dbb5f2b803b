"""Results reach parents as the school publishes them: approved periods always, finalised
columns only when the school chose so; levels come with what they mean under the rule set."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.core.errors import PermissionDeniedError
from hoso.gradebook.comments.models import SubjectComment
from hoso.gradebook.entry.models import SheetColumn
from hoso.gradebook.tests.results_helpers import put, rich_school
from hoso.parents.child import actions, selectors
from hoso.parents.child.errors import ChildPageError
from hoso.parents.child.models import PublicationSettings

from .helpers import approved_term1, finalise

pytestmark = pytest.mark.django_db


def _page(client, world):
    client.force_login(world.users["parent"])
    response = client.get(reverse("parents:child", args=[world.student_a.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _columns_mode(world):
    PublicationSettings.objects.create(school=world.school, mode=PublicationSettings.Mode.COLUMNS)


def test_default_is_periods_once_approved(world):
    """GIVEN a school that never chose WHEN its setting is read THEN each period once approved."""
    assert selectors.publication_settings(world.school.pk).mode == "periods"


def test_a_finalised_column_waits_for_the_approval_by_default(client, world):
    """GIVEN a finalised math column (8.5) of the child, the period not approved, default mode
    WHEN the parent opens the page
    THEN the score is not shown."""
    put(world, world.student_a, world.math, world.term1, {"TX1": "8.5"})
    finalise(world, world.math, world.term1, "TX1")
    html = _page(client, world)
    assert "8,5" not in html
    assert "Chưa có kết quả nào được công bố" in html


def test_columns_mode_shows_finalised_columns_only(client, world):
    """GIVEN the school publishes columns once finalised, TX1 finalised (8.5), TX2 not (6.0)
    WHEN the parent opens the page
    THEN 8,5 (comma decimal) is shown, 6,0 is not."""
    _columns_mode(world)
    put(world, world.student_a, world.math, world.term1, {"TX1": "8.5", "TX2": "6.0"})
    finalise(world, world.math, world.term1, "TX1")
    html = _page(client, world)
    assert "8,5" in html
    assert "6,0" not in html


def test_an_approved_term_shows_results_levels_meanings_comments(client, world):
    """GIVEN term I approved: the child's averages 7,0 except Tin học 6,5, the comment subject
    Đạt, training Khá, a math comment by the teacher; a classmate with 9,5 everywhere
    WHEN the parent opens the page
    THEN the averages with commas, Đạt, the learning level with what it means under TT22,
    training Khá, the teacher's comment; nothing of the classmate."""
    rich, classmate = approved_term1(world, overrides={"TIN": 6.5})
    SubjectComment.objects.create(
        student=world.student_a,
        subject=world.math,
        term=world.term1,
        text="Con chăm chỉ, cần cẩn thận hơn khi tính toán.",
        updated_by=world.users["subject"],
    )
    SubjectComment.objects.create(
        student=classmate,
        subject=world.math,
        term=world.term1,
        text="Bình luận của bạn cùng lớp",
        updated_by=world.users["subject"],
    )
    html = _page(client, world)
    assert "7,0" in html and "6,5" in html
    assert "Đạt" in html  # the comment subject (GDTC)
    assert "Kết quả học tập" in html and "Khá" in html
    assert "trong đó ít nhất 6 môn từ 6,5 trở lên" in html  # what Khá means (TT22)
    assert "Kết quả rèn luyện" in html
    assert "Con chăm chỉ, cần cẩn thận hơn khi tính toán." in html
    assert "9,5" not in html
    assert classmate.full_name not in html
    assert "Bình luận của bạn cùng lớp" not in html


def test_a_period_not_approved_shows_no_level(client, world):
    """GIVEN term I computed but only confirmed (not approved) WHEN the page is opened
    THEN no level, no average."""
    from hoso.gradebook.results.models import ClassResult

    approved_term1(world)
    ClassResult.objects.filter(school_class=world.class_a).update(state="confirmed")
    html = _page(client, world)
    assert "Kết quả học tập" not in html
    assert "7,0" not in html


def test_upcoming_test_dates_of_the_childs_class(client, world):
    """GIVEN a math mid-term test dated in a week in 6A1, one last week, and one in 6A2
    WHEN the parent opens the page
    THEN only the coming one of the child's class is listed; with the school's switch off,
    none."""
    today = clock.today()
    SheetColumn.objects.create(
        school_class=world.class_a,
        subject=world.math,
        term=world.term1,
        column="GK",
        test_date=today + timedelta(days=7),
    )
    SheetColumn.objects.create(
        school_class=world.class_a,
        subject=world.literature,
        term=world.term1,
        column="GK",
        test_date=today - timedelta(days=7),
    )
    SheetColumn.objects.create(
        school_class=world.class_b,
        subject=world.literature,
        term=world.term1,
        column="CK",
        test_date=today + timedelta(days=3),
    )
    html = _page(client, world)
    coming = f"{today + timedelta(days=7):%d/%m/%Y}"
    assert coming in html and "Toán: ĐĐGgk" in html
    assert f"{today - timedelta(days=7):%d/%m/%Y}" not in html
    assert f"{today + timedelta(days=3):%d/%m/%Y}" not in html
    PublicationSettings.objects.create(school=world.school, show_test_dates=False)
    assert coming not in _page(client, world)


def test_the_principal_changes_the_setting_audited(client, world):
    """GIVEN the principal WHEN it chooses columns once finalised on the settings page
    THEN the setting is saved and the change is in the audit trail with before and after."""
    client.force_login(world.users["principal"])
    url = reverse("parents:publication")
    assert client.get(url).status_code == 200
    response = client.post(url, {"mode": "columns", "show_test_dates": "on"})
    assert response.status_code == 302
    assert selectors.publication_settings(world.school.pk).mode == "columns"
    event = AuditEvent.objects.get(event_type="parents.publication_changed")
    assert event.before == {"mode": "periods", "show_test_dates": True}
    assert event.after == {"mode": "columns", "show_test_dates": True}


def test_a_wrong_choice_keeps_the_form(client, world):
    """GIVEN the principal WHEN it posts an unknown mode THEN 400, nothing saved."""
    client.force_login(world.users["principal"])
    response = client.post(reverse("parents:publication"), {"mode": "everything"})
    assert response.status_code == 400
    assert not PublicationSettings.objects.exists()


@pytest.mark.parametrize("role", ["homeroom", "clerk", "vice", "parent", "inspector"])
def test_others_may_not_change_the_setting(world, role):
    """GIVEN anyone but the principal and the administrator WHEN they try the action
    THEN refused with its code, the attempt logged."""
    with pytest.raises(PermissionDeniedError) as caught:
        actions.publication_settings_update(
            actor=world.actor(role), mode="columns", show_test_dates=True
        )
    assert caught.value.code == ChildPageError.NOT_ALLOWED
    assert AuditEvent.objects.filter(event_type="parents.publication_refused").exists()


def test_each_view_is_in_the_audit_trail(client, world):
    """GIVEN the parent WHEN it opens its child's page twice
    THEN two audit events name the child (target id) and the page."""
    _page(client, world)
    _page(client, world)
    events = AuditEvent.objects.filter(event_type="parents.child_viewed")
    assert events.count() == 2
    e = events.first()
    assert e.target_id == str(world.student_a.pk)
    assert e.actor_id == world.users["parent"].pk
    assert e.after["page"] == "child"


def test_several_children_in_two_schools(client, world):
    """GIVEN a parent with a second child in 6A2 and a third in another school
    WHEN it opens the chooser
    THEN its two children here link to their pages, the other school's offers a switch."""
    from hoso.students.models import Guardian, StudentGuardian
    from hoso.testing.factories import small_school

    guardian = Guardian.objects.get(user=world.users["parent"])
    StudentGuardian.objects.create(student=world.student_b, guardian=guardian, relation="father")
    other = small_school("KHAC")
    g2 = Guardian.objects.create(
        school=other.school, user=world.users["parent"], full_name="Nguyễn Văn Cường"
    )
    StudentGuardian.objects.create(student=other.student_b, guardian=g2, relation="father")
    client.force_login(world.users["parent"])
    html = client.get(reverse("parents:children")).content.decode()
    assert reverse("parents:child", args=[world.student_a.pk]) in html
    assert reverse("parents:child", args=[world.student_b.pk]) in html
    assert "Lớp 6A2" in html
    assert other.student_b.full_name in html
    assert reverse("parents:child", args=[other.student_b.pk]) not in html
    assert client.get(reverse("parents:child", args=[other.student_b.pk])).status_code == 404


def test_one_child_goes_straight_to_its_page(client, world):
    """GIVEN a parent of one child WHEN it opens the chooser THEN it lands on the child's page."""
    client.force_login(world.users["parent"])
    response = client.get(reverse("parents:children"))
    assert response.status_code == 302
    assert response["Location"] == reverse("parents:child", args=[world.student_a.pk])


def test_home_and_menu_link_the_page(client, world):
    """GIVEN the parent WHEN it opens the home page THEN the contact book is linked there and
    in the menu."""
    client.force_login(world.users["parent"])
    html = client.get(reverse("home:index")).content.decode()
    assert reverse("parents:child", args=[world.student_a.pk]) in html
    assert reverse("parents:children") in html


def test_rich_school_helper_is_usable(world):
    """GIVEN the grade-book helpers WHEN the rich school is built THEN seven subjects."""
    assert len(rich_school(world).subjects) == 7
