from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from hoso.notifications.models import Notification
from hoso.transfers import actions

pytestmark = pytest.mark.django_db


def test_command_reminds_the_late_step_once(world):
    actions.transfer_in_create(
        actor=world.actor("clerk"), student_code="0101010101", family_name="Lý", given_name="Tâm",
        gender="F", birth_date=date(2014, 1, 1), grade=6, other_school_name="THCS A",
        filed_on=date(2026, 11, 2),
    )  # fmt: skip
    out = StringIO()
    call_command("transfers_remind", "--school", world.school.code, stdout=out)
    assert "1 bước quá hạn, 1 thông báo mới." in out.getvalue()
    call_command("transfers_remind", stdout=StringIO())
    assert Notification.objects.filter(kind="transfer_late").count() == 1
