"""The audit trail: hash chain, tamper detection, one chain per school, no fork under
concurrent writers, and no event for a failed action."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from hoso.audit.actions import audit_record
from hoso.audit.models import AuditChain, AuditEvent
from hoso.audit.verify import verify_all
from hoso.testing.factories import make_school


def _events(school, n=5):
    for i in range(n):
        with transaction.atomic():
            audit_record(
                event_type="test.event",
                school_id=school.pk,
                target_type="x",
                target_id=str(i),
                before={"score": i},
                after={"score": i + 0.5},
            )


@pytest.mark.django_db
def test_chain_links_and_verifies():
    school = make_school()
    _events(school)
    events = list(AuditEvent.objects.filter(school=school).order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    for prev, ev in zip(events, events[1:], strict=False):
        assert ev.prev_hash == prev.hash
    count, breaks = verify_all()
    assert breaks == [] and count >= 5
    call_command("audit_verify")


@pytest.mark.django_db
def test_one_chain_per_school():
    a, b = make_school(), make_school()
    _events(a, 2)
    _events(b, 3)
    assert AuditChain.objects.get(school=a).last_seq == 2
    assert AuditChain.objects.get(school=b).last_seq == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "column,value",
    [("after", '{"score": 9.5}'), ("actor_name", "Kẻ gian"), ("at", "2020-01-01 00:00:00+00:00")],
)
def test_editing_one_row_in_the_database_is_detected(column, value, capsys):
    school = make_school()
    _events(school)
    target = AuditEvent.objects.get(school=school, seq=3)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, target.pk])
    _, breaks = verify_all()
    assert len(breaks) == 1 and breaks[0].seq == 3
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")
    assert exit_info.value.code == 1
    assert "#3" in capsys.readouterr().err


@pytest.mark.django_db
def test_deleting_a_row_is_detected():
    school = make_school()
    _events(school)
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM audit_auditevent WHERE chain_id = %s AND seq = 2",
            [AuditChain.objects.get(school=school).pk],
        )
    _, breaks = verify_all()
    assert breaks and breaks[0].seq == 2


@pytest.mark.django_db
def test_deleting_the_last_row_is_detected():
    school = make_school()
    _events(school)
    with connection.cursor() as cur:
        cur.execute(
            "DELETE FROM audit_auditevent WHERE chain_id = %s AND seq = 5",
            [AuditChain.objects.get(school=school).pk],
        )
    _, breaks = verify_all()
    assert breaks and "đầu chuỗi" in breaks[0].reason


@pytest.mark.django_db
def test_failed_action_leaves_no_event():
    school = make_school()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(event_type="test.failing", school_id=school.pk)
        raise RuntimeError("the change failed after its event was written")
    assert not AuditEvent.objects.filter(event_type="test.failing").exists()
    assert verify_all()[1] == []


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are a PostgreSQL matter")
    a, b = make_school(), make_school()
    errors: list[BaseException] = []

    def writer(school, n):
        from django.db import connections

        try:
            for i in range(n):
                with transaction.atomic():
                    audit_record(event_type="test.concurrent", school_id=school.pk, after={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(s, 25)) for s in (a, a, a, b, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditChain.objects.get(school=a).last_seq == 75
    assert AuditChain.objects.get(school=b).last_seq == 50
    assert verify_all()[1] == []
