"""The contact book's demo: GIVEN the lower-secondary demo seeded on a day of the school year,
THEN the well-known parent finds a read and (on a Friday evening or later) an unread weekly
letter of its child, a read and an unread notice, a thread answered by the homeroom teacher and
a meeting invitation — nothing dated after the day, and its pages open."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from hoso.core import clock
from hoso.demo import data
from hoso.demo.gradebook import login_user
from hoso.organisation.models import School
from hoso.parents.messages.models import (
    LetterReceipt,
    Meeting,
    Message,
    Notice,
    NoticeReceipt,
    WeeklyNews,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(d, marks=pytest.mark.clock(f"{d}T18:00:00"))
        for d in ("2026-11-20", "2026-12-07", "2027-03-03")
    ],
)
def test_the_parent_finds_the_contact_book_in_use(client, day):
    from hoso.demo.actions import demo_seed

    today = date.fromisoformat(day)
    demo_seed(codes=("THCS-NT",))
    school = School.objects.get(code="THCS-NT")
    parent = login_user(school, "phuhuynh")
    now = clock.now()
    letters = LetterReceipt.objects.filter(user=parent)
    assert letters.filter(read_at__isnull=False).exists()
    if today.weekday() >= 4:  # this week's news is out on Friday afternoon
        assert letters.filter(read_at__isnull=True).exists()
    # Per child: the parent's letters are its own child's only.
    children = set(
        parent.guardian_profiles.get(school=school).student_links.values_list(
            "student_id", flat=True
        )
    )
    assert set(letters.values_list("letter__student_id", flat=True)) <= children
    notices = NoticeReceipt.objects.filter(user=parent)
    assert notices.filter(read_at__isnull=True).exists()
    assert notices.filter(read_at__isnull=False).exists()
    assert Message.objects.filter(thread__parent=parent).count() == 2
    meeting = Meeting.objects.get(school=school)
    assert meeting.starts_at > now and meeting.created_at <= now
    assert not WeeklyNews.objects.filter(sent_at__gt=now).exists()
    assert not Notice.objects.filter(sent_at__gt=now).exists()
    assert not Message.objects.filter(sent_at__gt=now).exists()
    assert data.demo_calendar(today)
    client.force_login(parent)
    home = client.get(reverse("parents:messages_home"))
    assert home.status_code == 200 and "Bản tin tuần" in home.content.decode()
    assert client.get(reverse("parents:inbox")).status_code == 200
