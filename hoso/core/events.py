"""Reactions to a change: events published in the transaction, delivered after commit.

A package that changes something announces it with a typed event — a frozen dataclass that
subclasses ``Event``, defined in the publishing package (``hoso/gradebook/events.py``) — and never
imports the packages that react. Those subscribe in their ``AppConfig.ready()``::

    # publisher, inside the transaction that made the change
    events.publish(ResultsChanged(school_id=..., year_id=..., student_ids=(...)))

    # subscriber (hoso/transcripts/apps.py)
    events.subscribe(ResultsChanged, subscribers.results_changed)

Delivery:

- Events are collected per database connection and transaction and delivered once the outermost
  transaction commits, in the order they were published. Nothing is delivered if the transaction
  rolls back; an event published inside a savepoint (a nested ``atomic()``) that rolls back is
  dropped with it, like Django's ``on_commit`` callbacks registered there. Outside any
  transaction (autocommit) an event is delivered at once, as ``on_commit`` does.
- Equal events of a class with ``dedupe = True`` (the default) are delivered once per
  transaction: a reaction runs once however many rows announced the same change.
- A handler receives one event at a time, or with ``batch=True`` the list of every event of its
  type published in the transaction (one call per transaction: "re-sync each school year once").
- A handler runs after commit, outside the transaction: what it writes needs its own
  transaction, and it usually only enqueues a background task. A handler that raises is logged
  and does not stop the others.

How: each ``publish`` registers a marker with ``transaction.on_commit`` (so Django drops it with a
rolled-back savepoint) and puts one delivery callback at the end of the connection's commit
callbacks, outside every savepoint (``run_on_commit`` is append-only here, as Django's
``captureOnCommitCallbacks`` expects). The delivery runs after the markers and keeps the events
whose marker ran (or, in a test that captures the callbacks of a transaction that never commits,
is still registered).

``core`` knows no domain: the event classes live with their publishers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import DEFAULT_DB_ALIAS, transaction

logger = logging.getLogger("hoso.events")


@dataclass(frozen=True)
class Event:
    """Base of every event. Subclasses are frozen dataclasses with hashable fields (tuples, not
    lists). ``dedupe``: equal events published in one transaction are delivered once."""

    dedupe: ClassVar[bool] = True


Handler = Callable[[Any], None]


@dataclass(frozen=True)
class _Subscription:
    handler: Handler
    batch: bool


_subscriptions: dict[type[Event], list[_Subscription]] = {}


def subscribe(event_type: type[Event], handler: Handler, *, batch: bool = False) -> None:
    """Deliver every committed ``event_type`` to ``handler`` (one event at a time, or with
    ``batch=True`` the list of the transaction's events of that type). Call it from the
    subscribing app's ``AppConfig.ready()``; subscribing the same handler twice is a no-op."""
    if not (isinstance(event_type, type) and issubclass(event_type, Event)):
        raise TypeError(f"{event_type!r} is not an Event class")
    entries = _subscriptions.setdefault(event_type, [])
    if not any(s.handler == handler for s in entries):
        entries.append(_Subscription(handler=handler, batch=batch))


def unsubscribe(event_type: type[Event], handler: Handler) -> None:
    """Remove a subscription (tests)."""
    entries = _subscriptions.get(event_type, [])
    entries[:] = [s for s in entries if s.handler != handler]


def subscribers(event_type: type[Event]) -> list[Handler]:
    """The handlers of ``event_type``, in subscription order."""
    return [s.handler for s in _subscriptions.get(event_type, [])]


class _Marker:
    """Registered with ``on_commit`` where the event was published: it runs only if every
    savepoint around that point was kept."""

    __slots__ = ("event", "ran")

    def __init__(self, event: Event) -> None:
        self.event = event
        self.ran = False

    def __call__(self) -> None:
        self.ran = True


@dataclass(eq=False)
class _Batch:
    """The events of one transaction on one connection."""

    markers: list[_Marker] = field(default_factory=list)
    delivery: Callable[[], None] | None = None
    done: bool = False
    # The connection's callback list when the delivery was last seen in it: Django replaces the
    # list on every rollback, so while it is the same object the transaction is alive (no scan).
    callbacks: list | None = None


_ATTRIBUTE = "_hoso_events_batch"


def _registered(connection, func) -> bool:
    return any(entry[1] is func for entry in connection.run_on_commit)


def _current_batch(connection) -> _Batch:
    batch = getattr(connection, _ATTRIBUTE, None)
    if batch is not None and not batch.done:
        if batch.callbacks is connection.run_on_commit:
            return batch
        # A rollback happened since: a savepoint's (the delivery, outside every savepoint, is
        # still there) or the whole transaction's (it is gone: start again).
        if _registered(connection, batch.delivery):
            batch.callbacks = connection.run_on_commit
            return batch
    batch = _Batch()
    setattr(connection, _ATTRIBUTE, batch)
    return batch


def publish(event: Event, *, using: str | None = None) -> None:
    """Announce ``event``; it is delivered after the current transaction commits (at once
    outside a transaction)."""
    if not isinstance(event, Event):
        raise TypeError(f"{event!r} is not an Event")
    connection = transaction.get_connection(using or DEFAULT_DB_ALIAS)
    if not connection.in_atomic_block:
        transaction.on_commit(lambda: deliver([event]), using=using)
        return
    batch = _current_batch(connection)
    marker = _Marker(event)
    batch.markers.append(marker)
    transaction.on_commit(marker, using=using)

    def delivery() -> None:
        if batch.delivery is not delivery or batch.done:
            return  # a later publish put its own delivery after this one
        batch.done = True
        if getattr(connection, _ATTRIBUTE, None) is batch:
            setattr(connection, _ATTRIBUTE, None)
        kept = [m.event for m in batch.markers if m.ran or _registered(connection, m)]
        deliver(kept)

    batch.delivery = delivery
    # Last of the commit callbacks and outside every savepoint: it runs after the markers.
    connection.run_on_commit.append((set(), delivery, True))
    batch.callbacks = connection.run_on_commit


def deliver(published: list[Event]) -> None:
    """Hand committed events to their subscribers (duplicates dropped where the event says so).
    Called by the commit callback; a failing handler is logged and the others still run."""
    seen: set[Event] = set()
    events: list[Event] = []
    for event in published:
        if type(event).dedupe:
            if event in seen:
                continue
            seen.add(event)
        events.append(event)
    by_type: dict[type[Event], list[Event]] = {}
    for event in events:
        by_type.setdefault(type(event), []).append(event)
    for event_type, items in by_type.items():
        for subscription in list(_subscriptions.get(event_type, [])):
            calls = [items] if subscription.batch else items
            for argument in calls:
                try:
                    subscription.handler(argument)
                except Exception:
                    logger.exception(
                        "Subscriber %r of %s failed",
                        subscription.handler,
                        event_type.__name__,
                    )
