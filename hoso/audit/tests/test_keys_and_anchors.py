"""ADR 0009: the audit trail is keyed (HMAC) and anchored outside the database, so someone with
write access to the database but without the key cannot rewrite it unnoticed, and someone with
the key cannot rewrite what an anchor already fixed."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.db import transaction

from hoso.audit.actions import audit_record
from hoso.audit.anchors import Seal, anchor_all, anchor_chain, anchor_path
from hoso.audit.checks import audit_key_configured
from hoso.audit.hashing import event_hash, stored_event_fields
from hoso.audit.models import AuditAnchor, AuditChain, AuditEvent
from hoso.audit.verify import verify_all, verify_chain
from hoso.core.errors import DomainError
from hoso.testing.factories import make_school

KEY_A = "a" * 40
KEY_B = "b" * 40


@pytest.fixture(autouse=True)
def _keys(settings):
    settings.HOSO_AUDIT_KEYS = f"k1:{KEY_A}"


def _events(school, n=5, start=0):
    for i in range(start, start + n):
        with transaction.atomic():
            audit_record(
                event_type="test.event",
                school_id=school.pk,
                target_type="x",
                target_id=str(i),
                after={"score": i},
            )
    return AuditChain.objects.get(school=school)


def _rewrite(chain, from_seq, *, change=None, key=None, version=2, key_id="k1"):
    """What an attacker with database write access does: change one event, then recompute the
    hash of every later event and the head (with ``key``, or unkeyed)."""
    prev = None
    for ev in AuditEvent.objects.filter(chain=chain, seq__gte=from_seq).order_by("seq"):
        if prev is not None:
            ev.prev_hash = prev
        if change and ev.seq == from_seq:
            change(ev)
        fields = stored_event_fields(
            ev, chain_key=chain.key, hash_version=version, key_id=key_id if version >= 2 else ""
        )
        digest = event_hash(fields, key=key)
        AuditEvent.objects.filter(pk=ev.pk).update(
            prev_hash=ev.prev_hash,
            after=ev.after,
            hash=digest,
            hash_version=version,
            key_id=key_id if version >= 2 else "",
        )
        prev = digest
    AuditChain.objects.filter(pk=chain.pk).update(last_hash=prev)


def _set_score(ev):
    ev.after = {"score": 10}


@pytest.mark.django_db
def test_new_events_are_keyed_with_the_current_key():
    chain = _events(make_school(), 2)
    ev = AuditEvent.objects.get(chain=chain, seq=2)
    assert (ev.hash_version, ev.key_id) == (2, "k1")
    assert verify_all()[1] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "how",
    [
        {"key": None, "version": 2},  # keyed version kept, hashes recomputed without a key
        {"key": None, "version": 1},  # passed off as old unkeyed events
        {"key": b"w" * 40, "version": 2},  # recomputed with a wrong key
    ],
    ids=["unkeyed", "downgraded", "wrong-key"],
)
def test_rewrite_without_the_key_is_detected_naming_the_event(how, capsys):
    # GIVEN a school's chain of five keyed events
    chain = _events(make_school())
    # WHEN someone with database access rewrites #3 and recomputes #3..#5 and the head
    _rewrite(chain, 3, change=_set_score, **how)
    # THEN audit_verify fails naming #3
    chain.refresh_from_db()
    found = verify_chain(chain)
    assert found is not None and found.seq == 3
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")
    assert exit_info.value.code == 1
    assert "sự kiện #3" in capsys.readouterr().err


@pytest.mark.django_db
def test_rewrite_with_the_key_is_detected_by_the_anchor():
    # GIVEN five events anchored, then two more
    chain = _events(make_school())
    anchor = anchor_chain(chain=chain)
    assert anchor.seq == 5
    _events(chain.school, 2, start=5)
    # WHEN someone who also has the key rewrites #3 and recomputes everything after it
    _rewrite(chain, 3, change=_set_score, key=KEY_A.encode())
    # THEN the anchored head no longer matches
    chain.refresh_from_db()
    found = verify_chain(chain)
    assert found is not None and found.seq == 5
    assert "mốc neo" in found.reason and "#1 đến #5" in found.reason


@pytest.mark.django_db
def test_downgrading_the_whole_chain_to_unkeyed_is_detected_after_an_anchor():
    chain = _events(make_school())
    anchor_chain(chain=chain)
    _rewrite(chain, 1, change=_set_score, version=1)
    chain.refresh_from_db()
    found = verify_chain(chain)
    assert found is not None and found.seq == 1 and "không có khóa" in found.reason


@pytest.mark.django_db
def test_truncation_after_an_anchor_is_detected():
    # GIVEN an anchor at #5
    chain = _events(make_school())
    anchor_chain(chain=chain)  # the anchoring itself is event #6
    # WHEN #4..#6 are deleted and the head moved back to #3 (a consistent, shorter chain)
    AuditEvent.objects.filter(chain=chain, seq__gte=4).delete()
    third = AuditEvent.objects.get(chain=chain, seq=3)
    AuditChain.objects.filter(pk=chain.pk).update(last_seq=3, last_hash=third.hash)
    # THEN the chain is shorter than its anchor
    chain.refresh_from_db()
    found = verify_chain(chain)
    assert found is not None and found.seq == 4 and "cắt bỏ" in found.reason


def _lines(chain) -> list[str]:
    return anchor_path(chain.key).read_text(encoding="utf-8").splitlines()


def _write(chain, lines):
    anchor_path(chain.key).write_text("".join(line + "\n" for line in lines), encoding="utf-8")


@pytest.mark.django_db
def test_a_tampered_anchor_line_is_detected():
    chain = _events(make_school())
    anchor_chain(chain=chain)
    lines = _lines(chain)
    record = json.loads(lines[0])
    record["hash"] = "f" * 64  # to pass off a rewritten chain
    _write(chain, [json.dumps(record)])
    found = verify_chain(chain)
    assert found is not None and "HMAC" in found.reason


@pytest.mark.django_db
def test_a_removed_anchor_line_or_file_is_detected():
    chain = _events(make_school(), 3)
    anchor_chain(chain=chain)
    _events(chain.school, 1, start=3)
    anchor_chain(chain=chain)
    lines = _lines(chain)
    assert len(lines) == 2
    _write(chain, lines[1:])  # the first line dropped: the second no longer links
    found = verify_chain(chain)
    assert found is not None and "không nối" in found.reason
    _write(chain, lines[:1])  # the last line dropped: its mirror row names it
    found = verify_chain(chain)
    assert found is not None and "không có trong tệp" in found.reason
    Path(anchor_path(chain.key)).unlink()
    found = verify_chain(chain)
    assert found is not None and "đã mất" in found.reason


@pytest.fixture
def seal_signer():
    from hoso.signing.testpki import new_pki

    issued = new_pki().organisation("Trường THCS Thử")

    def sign(data: bytes) -> Seal:
        signature = issued.key.sign(data, ec.ECDSA(hashes.SHA256()))
        return Seal(certificate_pem=issued.cert_pem, algorithm="ecdsa-sha256", signature=signature)

    return sign


@pytest.mark.django_db
def test_a_sealed_anchor_names_its_signer_and_a_forged_seal_is_detected(seal_signer):
    chain = _events(make_school(), 2)
    anchor = anchor_chain(chain=chain, seal_signer=seal_signer)
    assert anchor.sealed_by == "Trường THCS Thử"
    assert verify_chain(chain) is None
    record = json.loads(_lines(chain)[0])
    signature = bytearray(base64.b64decode(record["seal"]["sig"]))
    signature[-1] ^= 1
    record["seal"]["sig"] = base64.b64encode(bytes(signature)).decode()
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    _write(chain, [text])
    AuditAnchor.objects.filter(pk=anchor.pk).delete()
    found = verify_chain(chain)
    assert found is not None and "chữ ký số" in found.reason


@pytest.mark.django_db
def test_anchor_time_stamped_when_a_tsa_is_set(settings):
    settings.HOSO_SIGNING_TIMESTAMPER = "hoso.signing.testpki.dummy_timestamper"
    chain = _events(make_school(), 2)
    anchor = anchor_chain(chain=chain)
    assert anchor.timestamped_at is not None
    assert verify_chain(chain) is None
    record = json.loads(_lines(chain)[0])
    other = anchor_chain(chain=chain)  # a genuine token, but over another line
    record["tsa"] = json.loads(other.line)["tsa"]
    AuditAnchor.objects.all().delete()
    _write(chain, [json.dumps(record)])
    found = verify_chain(chain)
    assert found is not None and "RFC 3161" in found.reason


@pytest.mark.django_db
def test_old_unkeyed_events_still_verify_and_new_ones_are_keyed():
    # GIVEN a chain written before keys (version 1)
    chain = _events(make_school(), 3)
    _rewrite(chain, 1, version=1)
    chain.refresh_from_db()
    assert verify_chain(chain) is None
    # WHEN new events are appended
    _events(chain.school, 2, start=3)
    # THEN they are keyed and the whole chain verifies, anchored too
    assert list(
        AuditEvent.objects.filter(chain=chain)
        .order_by("seq")
        .values_list("hash_version", flat=True)
    ) == [1, 1, 1, 2, 2]
    chain.refresh_from_db()
    assert verify_chain(chain) is None
    anchor = anchor_chain(chain=chain)
    assert json.loads(anchor.line)["keyed_from"] == 4
    assert verify_chain(chain) is None


@pytest.mark.django_db
def test_key_rotation(settings):
    chain = _events(make_school(), 2)
    settings.HOSO_AUDIT_KEYS = f"k2:{KEY_B},k1:{KEY_A}"
    _events(chain.school, 2, start=2)
    assert list(
        AuditEvent.objects.filter(chain=chain).order_by("seq").values_list("key_id", flat=True)
    ) == ["k1", "k1", "k2", "k2"]
    chain.refresh_from_db()
    assert verify_chain(chain) is None
    settings.HOSO_AUDIT_KEYS = f"k2:{KEY_B}"  # the old key thrown away too early
    found = verify_chain(chain)
    assert found is not None and found.seq == 1 and "k1" in found.reason


@pytest.mark.django_db
def test_daily_command_anchors_each_changed_chain_once(capsys):
    a, b = make_school(), make_school()
    _events(a, 2)
    _events(b, 1)
    call_command("audit_anchor")
    assert AuditAnchor.objects.count() == 2
    assert "Đã neo 2 chuỗi" in capsys.readouterr().out
    call_command("audit_anchor")  # nothing happened since but the anchoring itself
    assert AuditAnchor.objects.count() == 2
    _events(a, 1, start=2)
    anchors, failed = anchor_all()
    assert [x.chain.school_id for x in anchors] == [a.pk] and failed == []
    assert verify_all()[1] == []


@pytest.mark.django_db
def test_a_broken_chain_is_not_anchored():
    chain = _events(make_school(), 3)
    AuditEvent.objects.filter(chain=chain, seq=2).update(after={"score": 10})
    with pytest.raises(DomainError) as exc_info:
        anchor_chain(chain=chain)
    assert exc_info.value.code == "audit.chain_broken"
    assert not anchor_path(chain.key).exists()
    assert not AuditAnchor.objects.exists()


def test_system_check_warns_without_a_key_and_refuses_a_bad_one(settings):
    settings.HOSO_AUDIT_KEYS = ""
    settings.HOSO_PRODUCTION = False
    settings.HOSO_LOCAL_MACHINE = False
    assert [m.id for m in audit_key_configured()] == ["audit.W001"]
    settings.HOSO_LOCAL_MACHINE = True  # `make run`: the derived key is fine, nothing printed
    assert audit_key_configured() == []
    settings.HOSO_PRODUCTION = True  # production mode does not start without its own key
    settings.HOSO_LOCAL_MACHINE = False
    assert [m.id for m in audit_key_configured()] == ["audit.E002"]
    settings.HOSO_PRODUCTION = False
    settings.HOSO_AUDIT_KEYS = "k1:short"
    assert [m.id for m in audit_key_configured()] == ["audit.E001"]
    settings.HOSO_AUDIT_KEYS = f"k1:{KEY_A}"
    assert audit_key_configured() == []


@pytest.mark.django_db
def test_a_row_added_after_the_head_is_detected():
    chain = _events(make_school(), 2)
    last = AuditEvent.objects.get(chain=chain, seq=2)
    AuditEvent.objects.create(
        chain=chain,
        seq=3,
        school_id=chain.school_id,
        at=last.at,
        event_type="test.forged",
        prev_hash=last.hash,
        hash="e" * 64,
        hash_version=2,
        key_id="k1",
    )
    found = verify_chain(chain)
    assert found is not None and found.seq == 3 and "sau đầu chuỗi" in found.reason


class _DownTimeStamper:
    async def async_timestamp(self, message_digest, md_algorithm):
        raise ConnectionError("TSA unreachable")


def down_timestamper():
    return _DownTimeStamper()


@pytest.mark.django_db
def test_an_unreachable_tsa_still_anchors_without_a_token(settings, caplog):
    settings.HOSO_SIGNING_TIMESTAMPER = f"{__name__}.down_timestamper"
    chain = _events(make_school(), 2)
    anchor = anchor_chain(chain=chain)
    assert anchor.timestamped_at is None and "tsa" not in json.loads(anchor.line)
    assert "time-stamp service failed" in caplog.text
    assert verify_chain(chain) is None


@pytest.mark.django_db
def test_daily_command_names_a_broken_chain_and_anchors_the_others(capsys):
    broken, sound = _events(make_school(), 2), _events(make_school(), 2)
    AuditEvent.objects.filter(chain=broken, seq=1).update(after={"score": 10})
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_anchor")
    assert exit_info.value.code == 1
    assert f"LỖI: {broken.key}" in capsys.readouterr().err
    assert list(AuditAnchor.objects.values_list("chain_id", flat=True)) == [sound.pk]
