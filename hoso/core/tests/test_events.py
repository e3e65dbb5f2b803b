"""core/events.py: published in the transaction, delivered after commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest
from django.db import transaction

from hoso.core import events


@dataclass(frozen=True)
class Changed(events.Event):
    key: int


@dataclass(frozen=True)
class Counted(events.Event):
    dedupe = False
    key: int


@pytest.fixture
def received():
    got: list = []

    def one(event):
        got.append(event)

    events.subscribe(Changed, one)
    events.subscribe(Counted, one)
    yield got
    events.unsubscribe(Changed, one)
    events.unsubscribe(Counted, one)


# Real commits and rollbacks (the test is not wrapped in a transaction).
committed = pytest.mark.django_db(transaction=True)


@committed
def test_delivered_after_commit_not_before(received):
    """GIVEN a subscriber, WHEN an event is published in a transaction, THEN the subscriber gets
    it once the transaction commits, not before."""
    with transaction.atomic():
        events.publish(Changed(1))
        assert received == []
    assert received == [Changed(1)]


@committed
def test_nothing_delivered_on_rollback(received):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish(Changed(1))
        raise RuntimeError
    assert received == []
    with transaction.atomic():  # the next transaction does not inherit the dropped events
        events.publish(Changed(2))
    assert received == [Changed(2)]


@committed
def test_an_event_of_a_rolled_back_savepoint_is_dropped(received):
    with transaction.atomic():
        events.publish(Changed(1))
        with pytest.raises(RuntimeError), transaction.atomic():
            events.publish(Changed(2))
            raise RuntimeError
        with transaction.atomic():  # a kept savepoint keeps its event
            events.publish(Changed(3))
    assert received == [Changed(1), Changed(3)]


@committed
def test_a_rolled_back_savepoint_after_the_last_event_still_drops_it(received):
    with transaction.atomic():
        events.publish(Changed(1))
        with pytest.raises(RuntimeError), transaction.atomic():
            events.publish(Changed(2))
            raise RuntimeError
    assert received == [Changed(1)]


@committed
def test_outside_a_transaction_delivered_at_once(received):
    events.publish(Changed(7))
    assert received == [Changed(7)]


@committed
def test_equal_events_delivered_once_unless_the_event_says_otherwise(received):
    with transaction.atomic():
        events.publish(Changed(1))
        events.publish(Changed(1))
        events.publish(Changed(2))
        events.publish(Counted(5))
        events.publish(Counted(5))
    assert received == [Changed(1), Changed(2), Counted(5), Counted(5)]


@committed
def test_batch_subscriber_gets_the_transactions_events_in_one_call():
    calls = []
    events.subscribe(Changed, calls.append, batch=True)
    try:
        with transaction.atomic():
            for key in (3, 1, 3, 2):
                events.publish(Changed(key))
        with transaction.atomic():
            events.publish(Changed(9))
    finally:
        events.unsubscribe(Changed, calls.append)
    assert calls == [[Changed(3), Changed(1), Changed(2)], [Changed(9)]]


@committed
def test_a_failing_subscriber_is_logged_and_the_others_still_run(received, caplog):
    def broken(event):
        raise ValueError("boom")

    events.subscribe(Changed, broken)
    events.subscribe(Changed, received.append)  # after the broken one
    try:
        with caplog.at_level(logging.ERROR, logger="hoso.events"), transaction.atomic():
            events.publish(Changed(1))
    finally:
        events.unsubscribe(Changed, broken)
        events.unsubscribe(Changed, received.append)
    assert received == [Changed(1), Changed(1)]  # the fixture's handler and the later one
    assert "broken" in caplog.text and "boom" in caplog.text


def test_subscribing_twice_is_one_subscription():
    def handler(event):
        pass

    events.subscribe(Changed, handler)
    events.subscribe(Changed, handler)
    try:
        assert events.subscribers(Changed).count(handler) == 1
    finally:
        events.unsubscribe(Changed, handler)
    assert handler not in events.subscribers(Changed)


def test_only_event_classes_can_be_subscribed_or_published():
    with pytest.raises(TypeError):
        events.subscribe(dict, print)
    with pytest.raises(TypeError):
        events.publish({"key": 1})


@pytest.mark.django_db
def test_captured_in_a_test_transaction(received, django_capture_on_commit_callbacks):
    """The suite's tests run inside a transaction that never commits: capturing the commit
    callbacks delivers the events published meanwhile, savepoint rollbacks included."""
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(Changed(1))
        with pytest.raises(RuntimeError), transaction.atomic():
            events.publish(Changed(2))
            raise RuntimeError
        assert received == []
    assert received == [Changed(1)]


def test_the_apps_subscribe_in_ready():
    """The grade book's ResultsChanged reaches transcripts and signing; records follows the
    organisation."""
    from hoso.gradebook.events import ResultsChanged
    from hoso.records.events import OrganisationChanged

    names = {f"{h.__module__}.{h.__name__}" for h in events.subscribers(ResultsChanged)}
    assert names == {
        "hoso.transcripts.subscribers.results_changed",
        "hoso.signing.subscribers.results_changed",
    }
    assert [h.__module__ for h in events.subscribers(OrganisationChanged)] == [
        "hoso.records.signals"
    ]
