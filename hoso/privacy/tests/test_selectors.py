"""Consents read by the outbox (GIVEN guardians with and without consent, WHEN the outbox asks
who may be reached on a channel, THEN silence and withdrawal both mean no)."""

from __future__ import annotations

import pytest

from hoso.core import clock
from hoso.privacy.models import Consent, PrivacyNotice, Purpose
from hoso.privacy.selectors import channel_allowed_user_ids, consented_user_ids


@pytest.mark.django_db
def test_silence_and_withdrawal_are_not_consent(world):
    notice = PrivacyNotice.objects.create(school=world.school, version=1, text="…")
    parent, other = world.users["parent"], world.users["homeroom"]
    Consent.objects.create(
        school=world.school,
        user=parent,
        purpose=Purpose.SMS,
        notice=notice,
        given_at=clock.now(),
        recorded_by=parent,
    )
    ids = [parent.pk, other.pk]
    assert consented_user_ids(school_id=world.school.pk, purpose=Purpose.SMS, user_ids=ids) == {
        parent.pk
    }
    assert channel_allowed_user_ids(school_id=world.school.pk, channel="sms", user_ids=ids) == {
        parent.pk
    }
    assert (
        channel_allowed_user_ids(school_id=world.school.pk, channel="zalo", user_ids=ids) == set()
    )
    assert channel_allowed_user_ids(school_id=world.school.pk, channel="in_app", user_ids=ids) == {
        parent.pk,
        other.pk,
    }
    assert channel_allowed_user_ids(school_id=world.school.pk, channel="fax", user_ids=ids) == set()
    Consent.objects.filter(user=parent).update(withdrawn_at=clock.now())
    assert channel_allowed_user_ids(school_id=world.school.pk, channel="sms", user_ids=ids) == set()
