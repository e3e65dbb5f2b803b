"""Anchors (mốc neo): a chain's head written outside the database (ADR 0009, docs/SECURITY.md).

Each anchor is one JSON line appended to the chain's file ``HOSO_AUDIT_ANCHOR_DIR/<chain>.jsonl``
(opened O_APPEND, fsync'd, under an exclusive lock). The line holds the payload (chain, school,
seq, head hash, time, the first keyed seq, the key id, the hash of the previous line) and:

- ``mac``: HMAC-SHA256 of the canonical payload with the audit key (always);
- ``tsa``: an RFC 3161 time-stamp token over SHA-256 of the canonical payload, when a TSA is
  configured (``HOSO_TSA_URL``; tests: ``HOSO_SIGNING_TIMESTAMPER``);
- ``seal``: a detached signature of the canonical payload by the school's own key (its
  organisation seal), when the principal signs the anchor (hoso.signing gives the signer).

``check_lines`` reads a file back and checks every line; ``verify.verify_chain`` compares the
chain with the anchored heads.
"""

from __future__ import annotations

import asyncio
import base64
import fcntl
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from hoso.audit.errors import AuditErrorCode
from hoso.audit.hashing import canonical
from hoso.audit.keys import audit_keys
from hoso.audit.models import GENESIS_HASH, AuditAnchor, AuditChain, AuditEvent
from hoso.core import clock
from hoso.core.errors import DomainError

logger = logging.getLogger(__name__)

ANCHOR_VERSION = 1
ANCHORED_EVENT = "audit.anchored"
PAYLOAD_FIELDS = ("v", "chain", "school", "school_id", "seq", "hash", "at", "keyed_from", "key")


@dataclass(frozen=True)
class Seal:
    """A detached signature over the canonical payload by the school's key."""

    certificate_pem: str
    algorithm: str  # "ecdsa-sha256" | "rsa-pkcs1v15-sha256"
    signature: bytes


SealSigner = Callable[[bytes], Seal]


@dataclass
class CheckedLine:
    number: int  # 1-based line number in the file
    text: str
    payload: dict[str, Any] = field(default_factory=dict)
    problem: str = ""
    sealed_by: str = ""
    timestamped_at: datetime | None = None

    @property
    def seq(self) -> int:
        return int(self.payload.get("seq") or 0)


def anchor_dir() -> Path:
    return Path(
        getattr(settings, "HOSO_AUDIT_ANCHOR_DIR", "") or settings.VAR_DIR / "audit-anchors"
    )


def anchor_path(chain_key: str) -> Path:
    return anchor_dir() / f"{chain_key.replace(':', '-')}.jsonl"


def line_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _mac(payload: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, canonical(payload), hashlib.sha256).hexdigest()


def _timestamper():
    """The RFC 3161 time-stamper the signing package uses, by setting (no import upward)."""
    factory = getattr(settings, "HOSO_SIGNING_TIMESTAMPER", "")
    if factory:
        return import_string(factory)()
    url = getattr(settings, "HOSO_TSA_URL", "")
    if url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(url)
    return None


def _timestamp(data: bytes) -> str | None:
    """A token over SHA-256 of ``data``, or None without a TSA. An unreachable TSA does not stop
    the anchor (it is worth having without a token): logged, and the anchor shows no time-stamp."""
    stamper = _timestamper()
    if stamper is None:
        return None
    try:
        token = asyncio.run(stamper.async_timestamp(hashlib.sha256(data).digest(), "sha256"))
    except Exception:  # noqa: BLE001 - network, HTTP or TSA errors alike
        logger.warning("audit anchor: the time-stamp service failed; anchored without a token")
        return None
    return base64.b64encode(token.dump()).decode("ascii")


def verify_seal(data: bytes, seal: dict[str, Any]) -> str:
    """The seal certificate's CN when ``seal`` signs ``data``; ValueError otherwise."""
    cert = x509.load_pem_x509_certificate(seal["cert"].encode("ascii"))
    signature = base64.b64decode(seal["sig"], validate=True)
    public = cert.public_key()
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise ValueError("unsupported key")
    except InvalidSignature as exc:
        raise ValueError("bad signature") from exc
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def verify_timestamp(data: bytes, token_b64: str) -> datetime:
    """The TSA's time when the token is intact and stamps SHA-256 of ``data``; ValueError
    otherwise. Trust in the TSA's certificate is not decided here (docs/SECURITY.md)."""
    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    token = cms.ContentInfo.load(base64.b64decode(token_b64, validate=True))
    signed = token["content"]
    expected = hashlib.sha256(data).digest()
    # The token's own certificates as roots: this checks the signature, not whom to trust.
    embedded = [c.chosen for c in signed["certificates"] or []]
    context = ValidationContext(trust_roots=embedded, allow_fetching=False)
    status = asyncio.run(
        validate_tst_signed_data(signed, context, lambda algo: hashlib.new(algo, data).digest())
    )
    imprint = signed["encap_content_info"]["content"].parsed["message_imprint"]
    if not status.get("intact") or not status.get("valid"):
        raise ValueError("token not intact")
    if imprint["hashed_message"].native != expected:
        raise ValueError("token stamps other data")
    return status["timestamp"]


def check_lines(text: str, *, prev: str = GENESIS_HASH) -> list[CheckedLine]:
    """Every line of an anchors file, checked: JSON, the link to the previous line, the MAC with
    the key it names, the seal signature and the time-stamp token when present."""
    keys = audit_keys()
    checked: list[CheckedLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = CheckedLine(number=number, text=raw)
        checked.append(line)
        try:
            record = json.loads(raw)
            line.payload = {name: record[name] for name in PAYLOAD_FIELDS}
            line.payload["prev"] = record["prev"]
        except (ValueError, KeyError, TypeError):
            line.problem = "dòng không đọc được"
            prev = line_digest(raw)
            continue
        data = canonical(line.payload)
        key = keys.secrets.get(str(line.payload["key"]))
        if record["prev"] != prev:
            line.problem = "không nối với dòng trước (dòng bị xóa, chèn hoặc sửa)"
        elif key is None:
            line.problem = f"khóa {line.payload['key']!r} không có trên máy chủ"
        elif not hmac.compare_digest(str(record.get("mac", "")), _mac(line.payload, key)):
            line.problem = "mã xác thực (HMAC) không khớp: dòng đã bị sửa"
        if not line.problem and record.get("seal"):
            try:
                line.sealed_by = verify_seal(data, record["seal"])
            except (ValueError, KeyError, TypeError):
                line.problem = "chữ ký số của đơn vị không hợp lệ"
        if not line.problem and record.get("tsa"):
            try:
                line.timestamped_at = verify_timestamp(data, record["tsa"])
            except Exception:  # noqa: BLE001 - any unreadable or wrong token is one problem
                line.problem = "dấu thời gian (RFC 3161) không hợp lệ"
        prev = line_digest(raw)
    return checked


def read_anchor_file(chain_key: str) -> str | None:
    path = anchor_path(chain_key)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _append_line(path: Path, build: Callable[[str], str]) -> str:
    """Lock the file, read the digest of its last line, append ``build(prev)`` + newline, fsync."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with open(path, encoding="utf-8") as existing:
            lines = existing.read().splitlines()
        prev = line_digest(lines[-1]) if lines else GENESIS_HASH
        text = build(prev)
        os.write(fd, (text + "\n").encode("utf-8"))
        os.fsync(fd)
        return text
    finally:
        os.close(fd)  # releases the lock


def anchor_chain(*, chain: AuditChain, actor=None, seal_signer: SealSigner | None = None):
    """Write the chain's current head to its anchors file (and the mirror row), after checking
    the whole chain: a broken chain is never anchored (CHAIN_BROKEN names the break).

    Runs outside a transaction: the file line is written first, then the row and the
    ``audit.anchored`` event in one transaction (a line without its row is harmless; the file is
    the authority)."""
    from hoso.audit.verify import verify_chain

    chain.refresh_from_db()
    broken = verify_chain(chain)
    if broken is not None:
        raise DomainError(
            AuditErrorCode.CHAIN_BROKEN, f"Không neo được nhật ký vì chuỗi bị hỏng: {broken}."
        )
    keys = audit_keys()
    keyed_from = (
        AuditEvent.objects.filter(chain=chain, hash_version__gte=2)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    at = clock.now()
    payload: dict[str, Any] = {
        "v": ANCHOR_VERSION,
        "chain": chain.key,
        "school": chain.school.code if chain.school_id else None,
        "school_id": chain.school_id,
        "seq": chain.last_seq,
        "hash": chain.last_hash,
        "at": timezone.localtime(at).isoformat(timespec="seconds"),
        "keyed_from": keyed_from,
        "key": keys.current_id,
    }

    def build(prev: str) -> str:
        payload["prev"] = prev
        data = canonical(payload)
        record = {**payload, "mac": _mac(payload, keys.current)}
        if seal_signer is not None:
            seal = seal_signer(data)
            record["seal"] = {
                "alg": seal.algorithm,
                "cert": seal.certificate_pem,
                "sig": base64.b64encode(seal.signature).decode("ascii"),
            }
        stamp = _timestamp(data)
        if stamp:
            record["tsa"] = stamp
        return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    try:
        text = _append_line(anchor_path(chain.key), build)
    except OSError as exc:
        raise DomainError(
            AuditErrorCode.ANCHOR_FILE, f"Không ghi được tệp mốc neo nhật ký: {exc.strerror}."
        ) from exc
    checked = check_lines(text, prev=payload["prev"])[0]
    from hoso.audit.actions import audit_record

    with transaction.atomic():
        anchor = AuditAnchor.objects.create(
            chain=chain,
            seq=payload["seq"],
            hash=payload["hash"],
            at=at,
            key_id=keys.current_id,
            line=text,
            line_sha256=line_digest(text),
            sealed_by=checked.sealed_by,
            timestamped_at=checked.timestamped_at,
            created_by=actor if actor is not None and actor.pk else None,
        )
        audit_record(
            event_type=ANCHORED_EVENT,
            actor=actor,
            school_id=chain.school_id,
            target=anchor,
            after={
                "seq": anchor.seq,
                "hash": anchor.hash,
                "sealed_by": anchor.sealed_by,
                "timestamped": anchor.timestamped_at is not None,
                "line_sha256": anchor.line_sha256,
            },
        )
    return anchor


def anchor_all(*, actor=None) -> tuple[list[AuditAnchor], list[str]]:
    """Anchor every chain that moved since its last anchor (the daily job). A chain that cannot
    be anchored (broken, file not writable) is named in the second list; the others go on."""
    done: list[AuditAnchor] = []
    failed: list[str] = []
    for chain in AuditChain.objects.select_related("school").order_by("key"):
        if chain.last_seq == 0 or _unchanged_since_anchor(chain):
            continue
        try:
            done.append(anchor_chain(chain=chain, actor=actor))
        except DomainError as exc:
            failed.append(f"{chain.key}: {exc.message}")
    return done, failed


def _unchanged_since_anchor(chain: AuditChain) -> bool:
    """Nothing but the last anchoring itself happened since the last anchor."""
    last = chain.anchors.order_by("-at", "-pk").first()
    if last is None:
        return False
    if last.seq == chain.last_seq:
        return True
    head = AuditEvent.objects.filter(chain=chain, seq=chain.last_seq).first()
    return (
        last.seq == chain.last_seq - 1
        and head is not None
        and head.event_type == ANCHORED_EVENT
        and head.target_id == str(last.pk)
    )
