"""Signing API: credentials, PAdES signatures with Vietnamese visible stamps, validation.

Used by hoso/transcripts and by this package's own documents (grade sheets, class books,
correction minutes). Keyword-only, typed; errors are DomainError with SigningErrorCode.

- ``credential_for(user=..., school=..., kind=...)``: the newest usable credential.
- ``sign_pdf(pdf=..., credential=..., secret=..., field_name=..., box=..., signer_name=...,
  role_label=...)``: one incremental PAdES signature (B-B; B-T when a timestamper is configured).
- ``sign_many(pdfs=[...], ..., box_for=callable)``: one unlock (one PIN entry) for a batch.
- ``validate_pdf(pdf)``: a ValidationReport over every signature, against the trust roots.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.utils.module_loading import import_string

from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import nfc
from hoso.signing.errors import SigningErrorCode
from hoso.signing.models import CredentialKind, SigningCredential, TrustRoot

log = logging.getLogger(__name__)

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP_FONT = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"  # unitsPerEm 1000
DEFAULT_PKCS11_LIBRARIES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
)
SIGNED_EVENT = "signing.signature_applied"


class BoxLike(Protocol):
    """``hoso.printing.render.SignatureBox``: page 1-based (-1 = last), points from bottom-left."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float


# ---------------------------------------------------------------------------------------------
# Certificates and PKCS#12


@dataclass(frozen=True)
class CertificateInfo:
    subject_cn: str
    subject: str
    issuer_cn: str
    issuer: str
    serial: str
    fingerprint_sha256: str
    not_before: datetime
    not_after: datetime
    certificate_pem: str
    chain_pem: str


def _cn(name: x509.Name) -> str:
    attrs = name.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    return nfc(str(attrs[0].value)) if attrs else name.rfc4514_string()


def certificate_info(cert: x509.Certificate, chain: list[x509.Certificate] = ()) -> CertificateInfo:
    return CertificateInfo(
        subject_cn=_cn(cert.subject),
        subject=cert.subject.rfc4514_string(),
        issuer_cn=_cn(cert.issuer),
        issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "x"),
        fingerprint_sha256=cert.fingerprint(_sha256()).hex(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        chain_pem="".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in chain),
    )


def _sha256():
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def check_validity_period(cert: x509.Certificate, *, at: datetime | None = None) -> None:
    at = at or clock.now()
    if cert.not_valid_after_utc < at:
        raise DomainError(
            SigningErrorCode.CERT_EXPIRED,
            "Chứng thư số đã hết hạn ngày "
            f"{cert.not_valid_after_utc.astimezone(VN_TZ):%d/%m/%Y}; không thể dùng để ký.",
        )
    if cert.not_valid_before_utc > at:
        raise DomainError(
            SigningErrorCode.CERT_NOT_YET_VALID,
            "Chứng thư số chưa đến ngày có hiệu lực "
            f"({cert.not_valid_before_utc.astimezone(VN_TZ):%d/%m/%Y}).",
        )


def open_pkcs12(data: bytes, password: str):
    """(private key, certificate, chain) from PKCS#12 bytes; Vietnamese errors."""
    if not data or data[:1] != b"\x30":  # a DER SEQUENCE
        raise DomainError(
            SigningErrorCode.NOT_PKCS12, "Tệp không phải là chứng thư số PKCS#12 (.p12/.pfx)."
        )
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, password.encode("utf-8"))
    except ValueError as exc:
        text = str(exc).lower()
        if "password" in text or "decrypt" in text or "mac" in text:
            raise DomainError(
                SigningErrorCode.WRONG_SECRET, "Mật khẩu chữ ký số không đúng.", field="password"
            ) from exc
        raise DomainError(
            SigningErrorCode.NOT_PKCS12, "Tệp không phải là chứng thư số PKCS#12 (.p12/.pfx)."
        ) from exc
    if key is None or cert is None:
        raise DomainError(
            SigningErrorCode.NO_PRIVATE_KEY,
            "Tệp PKCS#12 không chứa khoá bí mật và chứng thư số để ký.",
        )
    return key, cert, list(chain or [])


def reencrypt_pkcs12(key, cert, chain, password: str) -> bytes:
    """Re-export with PBES2/AES-256 (uploaded files often use legacy RC2/3DES)."""
    return pkcs12.serialize_key_and_certificates(
        _cn(cert.subject).encode("utf-8"),
        key,
        cert,
        chain or None,
        serialization.BestAvailableEncryption(password.encode("utf-8")),
    )


def credential_aad(credential_school_id: int, fingerprint: str) -> bytes:
    return f"school={credential_school_id};cert={fingerprint}".encode()


def load_pem_certs(text: str) -> list[asn1_x509.Certificate]:
    out = []
    data = text.encode()
    if not data.strip():
        return out
    for _type, _headers, der in asn1_pem.unarmor(data, multiple=True):
        out.append(asn1_x509.Certificate.load(der))
    return out


def _to_asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


# ---------------------------------------------------------------------------------------------
# Credentials


def credential_for(*, user=None, school=None, kind: str | None = None) -> SigningCredential | None:
    """The newest active, unrevoked, currently valid credential of ``user`` (a person), or, with
    only ``school``, the school's organisation seal. ``kind`` narrows to P12 / PKCS11 / REMOTE."""
    now = clock.now()
    qs = SigningCredential.objects.filter(
        is_active=True, revoked_at__isnull=True, not_before__lte=now, not_after__gte=now
    )
    if user is not None:
        qs = qs.filter(user=user)
        if school is not None:
            qs = qs.filter(school=school)
    elif school is not None:
        qs = qs.filter(school=school, user__isnull=True)
    else:
        return None
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-pk").first()


def allowed_pkcs11_libraries() -> tuple[str, ...]:
    return tuple(getattr(settings, "HOSO_PKCS11_LIBRARIES", DEFAULT_PKCS11_LIBRARIES))


class RemoteSigningService(Protocol):
    """A provider's remote signing API (e.g. a Vietnamese CA's cloud signing). NOT IMPLEMENTED.

    Configure ``settings.HOSO_REMOTE_SIGNING = {"<provider>": "dotted.path.Factory"}``; the factory
    gets the credential and the user's secret (OTP / PIN) and returns a pyHanko ``Signer`` whose
    ``async_sign_raw`` sends the digest to the provider. See docs/SIGNING.md.
    """

    def signer(self, *, credential: SigningCredential, secret: str) -> Any: ...


UNLOCK_FAILED_EVENT = "signing.unlock_failed"


def _unlock_window():
    from datetime import timedelta

    failures = int(getattr(settings, "HOSO_LOCKOUT_FAILURES", 5))
    minutes = int(getattr(settings, "HOSO_LOCKOUT_MINUTES", 15))
    return failures, clock.now() - timedelta(minutes=minutes), minutes


def check_unlock_allowed(credential: SigningCredential) -> None:
    """Refuse while the credential has had too many wrong passwords/PINs recently: the server
    holds the encrypted PKCS#12, so the password must not be guessable through the sign form."""
    from hoso.audit.models import AuditEvent

    if credential.pk is None:
        return
    failures, since, minutes = _unlock_window()
    recent = AuditEvent.objects.filter(
        event_type=UNLOCK_FAILED_EVENT,
        target_type=SigningCredential._meta.label_lower,
        target_id=str(credential.pk),
        at__gte=since,
    ).count()
    if recent >= failures:
        raise DomainError(
            SigningErrorCode.TOO_MANY_ATTEMPTS,
            f"Nhập sai mật khẩu/PIN chữ ký số quá {failures} lần: tạm khoá {minutes} phút.",
        )


def record_unlock_failure(credential: SigningCredential) -> None:
    """Audit a wrong password/PIN. Outside any transaction it is kept even though the signing
    fails; callers that sign inside their own transaction should check the secret first
    (``verify_secret``) so that the failure is not rolled back with their work."""
    from hoso.audit.actions import audit_record

    if credential.pk is None:
        return
    audit_record(
        event_type=UNLOCK_FAILED_EVENT,
        actor=credential.user,
        school_id=credential.school_id,
        target=credential,
        after={"kind": credential.kind},
    )


def verify_secret(credential: SigningCredential, secret: str) -> None:
    """Check the password/PIN now (one unlock, nothing signed); DomainError when wrong."""
    with unlocked_signer(credential, secret):
        pass


@contextlib.contextmanager
def unlocked_signer(credential: SigningCredential, secret: str) -> Iterator[Any]:
    """A pyHanko Signer for ``credential``, unlocked once with ``secret`` (password or PIN).

    Wrong secrets are audited (``signing.unlock_failed``); after HOSO_LOCKOUT_FAILURES of them in
    HOSO_LOCKOUT_MINUTES the credential refuses to unlock (TOO_MANY_ATTEMPTS)."""
    check_unlock_allowed(credential)
    try:
        with _unlocked_signer(credential, secret) as signer:
            yield signer
    except DomainError as exc:
        if exc.code == SigningErrorCode.WRONG_SECRET:
            record_unlock_failure(credential)
        raise


@contextlib.contextmanager
def _unlocked_signer(credential: SigningCredential, secret: str) -> Iterator[Any]:
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    if not credential.is_active or credential.revoked_at is not None:
        raise DomainError(
            SigningErrorCode.CREDENTIAL_INACTIVE, "Chữ ký số này đã bị vô hiệu hoá hoặc thu hồi."
        )
    cert = x509.load_pem_x509_certificate(credential.certificate_pem.encode())
    check_validity_period(cert)
    chain = load_pem_certs(credential.chain_pem)
    if credential.kind == CredentialKind.P12:
        from hoso.signing import keystore

        data = keystore.unwrap(
            credential.p12_blob,
            aad=credential_aad(credential.school_id, credential.fingerprint_sha256),
        )
        key, p12_cert, p12_chain = open_pkcs12(data, secret)
        signing_key = asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        certs = chain or [_to_asn1_cert(c) for c in p12_chain]
        yield signers.SimpleSigner(
            signing_cert=_to_asn1_cert(p12_cert),
            signing_key=signing_key,
            cert_registry=SimpleCertificateStore.from_certs(certs),
        )
        return
    if credential.kind == CredentialKind.PKCS11:
        if credential.pkcs11_library not in allowed_pkcs11_libraries():
            raise DomainError(
                SigningErrorCode.LIBRARY_NOT_ALLOWED,
                "Thư viện PKCS#11 này không nằm trong danh sách được phép.",
            )
        from pkcs11 import exceptions as p11_exc
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as hanko_p11

        try:
            session = hanko_p11.open_pkcs11_session(
                credential.pkcs11_library,
                token_criteria=TokenCriteria(label=credential.pkcs11_token_label),
                user_pin=secret,
            )
        except (p11_exc.PinIncorrect, p11_exc.PinInvalid, p11_exc.PinLenRange) as exc:
            raise DomainError(
                SigningErrorCode.WRONG_SECRET, "Mã PIN của thiết bị ký không đúng.", field="secret"
            ) from exc
        except p11_exc.PinLocked as exc:
            raise DomainError(
                SigningErrorCode.WRONG_SECRET, "Thiết bị ký đã bị khoá do nhập sai PIN nhiều lần."
            ) from exc
        except Exception as exc:
            raise DomainError(
                SigningErrorCode.TOKEN_UNAVAILABLE,
                "Không kết nối được thiết bị ký (kiểm tra USB token và nhãn token).",
            ) from exc
        try:
            yield hanko_p11.PKCS11Signer(
                session,
                key_label=credential.pkcs11_key_label,
                signing_cert=_to_asn1_cert(cert),
                ca_chain=chain,
                # many tokens (SoftHSM2 among them) lack CKM_ECDSA_SHA256: hash here, sign raw
                use_raw_mechanism=isinstance(cert.public_key(), ec.EllipticCurvePublicKey),
            )
        finally:
            session.close()
        return
    if credential.kind == CredentialKind.REMOTE:
        providers = getattr(settings, "HOSO_REMOTE_SIGNING", {}) or {}
        path = providers.get(credential.remote_provider)
        if not path:
            raise DomainError(
                SigningErrorCode.REMOTE_NOT_CONFIGURED,
                "Dịch vụ ký số từ xa chưa được cấu hình trên máy chủ.",
            )
        yield import_string(path)().signer(credential=credential, secret=secret)
        return
    raise DomainError(SigningErrorCode.BAD_INPUT, "Loại chữ ký số không hợp lệ.")


# ---------------------------------------------------------------------------------------------
# Signing


def timestamper():
    """pyHanko TimeStamper: ``HOSO_SIGNING_TIMESTAMPER`` (dotted factory; tests use
    ``hoso.signing.testpki.dummy_timestamper``) or ``HOSO_TSA_URL`` (RFC 3161), else None (B-B)."""
    factory = getattr(settings, "HOSO_SIGNING_TIMESTAMPER", "")
    if factory:
        return import_string(factory)()
    url = getattr(settings, "HOSO_TSA_URL", "")
    if url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(url)
    return None


_STAMP_STYLE = None
# Latin, Vietnamese (precomposed and combining marks), punctuation, ₫.
STAMP_UNICODES = (
    list(range(0x20, 0x7F))
    + list(range(0xA0, 0x180))
    + list(range(0x1A0, 0x1B1))
    + list(range(0x300, 0x324))
    + list(range(0x1EA0, 0x1EFA))
    + list(range(0x2010, 0x2031))
    + [0x20AB]
)


def stamp_font_path() -> str:
    """Noto Serif cut down to Latin + Vietnamese, made once and cached under VAR_DIR/cache.

    pyHanko subsets the stamp font at every signature with fontTools; on the full Noto Serif
    (3000+ glyphs) that alone took ~350 ms, on this ~115 KB cut it takes a few ms."""
    from pathlib import Path

    source = Path(STAMP_FONT)
    stat = source.stat()
    cache = Path(settings.VAR_DIR) / "cache"
    target = cache / f"NotoSerif-vi2-{stat.st_size}-{int(stat.st_mtime)}.ttf"
    if target.exists():
        return str(target)
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont

        cache.mkdir(parents=True, exist_ok=True)
        options = subset.Options()
        # Stamp text is NFC: every Vietnamese letter is one precomposed glyph, so no shaping
        # tables are needed, and without GSUB/GPOS fontTools' per-signature subsetting is cheap.
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = TTFont(str(source))
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=STAMP_UNICODES)
        subsetter.subset(font)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(tmp))
        tmp.replace(target)
        return str(target)
    except OSError:  # read-only VAR_DIR: the full font still works, only slower
        log.warning("stamp font cache not writable; using %s", STAMP_FONT)
        return STAMP_FONT


def stamp_style():
    """Visible stamp: Noto Serif (1000 UPM, full Vietnamese), thin border, no background."""
    global _STAMP_STYLE
    if _STAMP_STYLE is None:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
        from pyhanko.pdf_utils.text import TextBoxStyle
        from pyhanko.stamp import TextStampStyle

        _STAMP_STYLE = TextStampStyle(
            stamp_text="Ký bởi: %(signer)s\n%(role)s\nThời gian: %(when)s",
            text_box_style=TextBoxStyle(
                font=GlyphAccumulatorFactory(stamp_font_path()), font_size=8, leading=10
            ),
            border_width=1,
            border_color=(0.1, 0.2, 0.55),
        )
    return _STAMP_STYLE


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _existing_field(reader, field_name: str) -> tuple[bool, bool]:
    """(exists, filled) for a signature field of that name."""
    from pyhanko.sign.fields import enumerate_sig_fields

    for name, value, _ref in enumerate_sig_fields(reader, filled_status=None):
        if name == field_name:
            return True, value is not None
    return False, False


def _version_keeping_writer(pdf: bytes):
    """An incremental writer that never raises the document's PDF version.

    pyHanko declares ISO 32002 (ECDSA on P-256 …) by setting the catalog's /Version to 2.0 and
    adding an extension based on 2.0, while the header and the XMP of a PDF/A-3 file (defined on
    PDF 1.7) say 1.7: a file claiming two versions. PAdES signatures with these keys are read by
    1.7 readers, so the version stays the input's (at least 1.7, with the ESIC extension that
    1.7 PAdES files declare)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class VersionKeepingWriter(IncrementalPdfFileWriter):
        def _ceiling(self):
            return max((1, 7), self.prev.input_version)

        def ensure_output_version(self, version):
            if version <= self._ceiling():
                super().ensure_output_version(version)

        def register_extension(self, ext):
            base = str(ext.base_version).lstrip("/")
            major, _, minor = base.partition(".")
            if (int(major), int(minor or 0)) <= self._ceiling():
                super().register_extension(ext)

    return VersionKeepingWriter(BytesIO(pdf), strict=False)


def _sign_one(
    *,
    pdf: bytes,
    signer,
    credential: SigningCredential,
    field_name: str,
    box: BoxLike | None,
    signer_name: str,
    role_label: str,
    reason: str,
    location: str,
    tsa,
) -> bytes:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers

    try:
        writer = _version_keeping_writer(pdf)
    except (PdfError, ValueError, Exception) as exc:
        raise DomainError(
            SigningErrorCode.NOT_A_PDF, "Tệp cần ký không phải là PDF hợp lệ."
        ) from exc
    exists, filled = _existing_field(writer.prev, field_name)
    if filled:
        raise DomainError(
            SigningErrorCode.FIELD_ALREADY_SIGNED, f"Ô chữ ký “{field_name}” đã được ký."
        )
    spec = None
    if not exists:
        if box is not None:
            page = int(box.page)
            spec = fields.SigFieldSpec(
                sig_field_name=field_name,
                on_page=page - 1 if page > 0 else page,
                box=(int(box.x1), int(box.y1), int(box.x2), int(box.y2)),
            )
        else:
            spec = fields.SigFieldSpec(sig_field_name=field_name)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=nfc(reason) or None,
        location=nfc(location) or None,
        name=nfc(signer_name) or None,
    )
    now_vn = clock.local_now()
    pdf_signer = signers.PdfSigner(
        meta,
        signer,
        timestamper=tsa,
        stamp_style=stamp_style() if box is not None or exists else None,
        new_field_spec=spec,
    )
    out = BytesIO()
    pdf_signer.sign_pdf(
        writer,
        appearance_text_params={
            "signer": nfc(signer_name),
            "role": nfc(role_label),
            "when": now_vn.strftime("%d/%m/%Y %H:%M:%S (GMT+7)"),
        },
        output=out,
    )
    return out.getvalue()


def _audit_signature(
    *, credential, actor, field_name, signer_name, role_label, before, after, document_ref: str
) -> None:
    from hoso.audit.actions import audit_record

    audit_record(
        event_type=SIGNED_EVENT,
        actor=actor if actor is not None else credential.user,
        school_id=credential.school_id,
        target_type=document_ref.split(":", 1)[0] if document_ref else "pdf",
        target_id=document_ref.split(":", 1)[1] if ":" in document_ref else "",
        target_repr=f"{field_name} — {signer_name}"[:300],
        before={"sha256": before},
        after={
            "sha256": after,
            "field": field_name,
            "signer": nfc(signer_name),
            "role": nfc(role_label),
            "certificate_cn": credential.subject_cn,
            "certificate_serial": credential.serial,
            "credential_id": credential.pk,
        },
    )


def sign_pdf(
    *,
    pdf: bytes,
    credential: SigningCredential,
    secret: str,
    field_name: str,
    box: BoxLike | None,
    signer_name: str,
    role_label: str,
    reason: str = "",
    location: str = "",
    actor=None,
    document_ref: str = "",
    audit: bool = True,
) -> bytes:
    """Append one incremental PAdES signature; existing signatures stay valid.

    ``box`` given: a visible stamp (name, role, time in Asia/Ho_Chi_Minh) in a new field there; a
    pre-existing empty field named ``field_name`` is used as is. Audited (``signing.signature_applied``,
    hashes before/after) unless ``audit=False``; ``document_ref`` = "<type>:<id>" of what was signed.
    """
    with unlocked_signer(credential, secret) as signer:
        signed = _sign_one(
            pdf=pdf,
            signer=signer,
            credential=credential,
            field_name=field_name,
            box=box,
            signer_name=signer_name,
            role_label=role_label,
            reason=reason,
            location=location,
            tsa=timestamper(),
        )
    if audit:
        _audit_signature(
            credential=credential,
            actor=actor,
            field_name=field_name,
            signer_name=signer_name,
            role_label=role_label,
            before=_sha(pdf),
            after=_sha(signed),
            document_ref=document_ref,
        )
    return signed


def sign_many(
    *,
    pdfs: list[bytes],
    credential: SigningCredential,
    secret: str,
    field_name: str,
    box_for: Callable[[int, bytes], BoxLike | None] | None,
    signer_name: str,
    role_label: str,
    reason: str = "",
    location: str = "",
    actor=None,
    document_refs: list[str] | None = None,
    audit: bool = True,
) -> list[bytes]:
    """Sign every PDF with one unlock of the key (one PIN entry). ``box_for(index, pdf)``."""
    out: list[bytes] = []
    tsa = timestamper()
    with unlocked_signer(credential, secret) as signer:
        for i, pdf in enumerate(pdfs):
            out.append(
                _sign_one(
                    pdf=pdf,
                    signer=signer,
                    credential=credential,
                    field_name=field_name,
                    box=box_for(i, pdf) if box_for else None,
                    signer_name=signer_name,
                    role_label=role_label,
                    reason=reason,
                    location=location,
                    tsa=tsa,
                )
            )
    if audit:
        for i, (before, after) in enumerate(zip(pdfs, out, strict=True)):
            _audit_signature(
                credential=credential,
                actor=actor,
                field_name=field_name,
                signer_name=signer_name,
                role_label=role_label,
                before=_sha(before),
                after=_sha(after),
                document_ref=(document_refs[i] if document_refs else ""),
            )
    return out


# ---------------------------------------------------------------------------------------------
# Validation


@dataclass
class SignatureReport:
    field_name: str
    signer_cn: str
    signing_time: datetime | None
    timestamp_time: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    coverage: str  # ENTIRE_FILE / ENTIRE_REVISION / CONTIGUOUS_BLOCK_FROM_START
    modification_level: str  # NONE / LTA_UPDATES / FORM_FILLING / ANNOTATIONS / OTHER
    bottom_line: bool
    timestamp_valid: bool | None = None
    summary: str = ""
    error: str = ""

    @property
    def signing_time_local(self) -> datetime | None:
        t = self.timestamp_time or self.signing_time
        return t.astimezone(VN_TZ) if t else None


@dataclass
class ValidationReport:
    signatures: list[SignatureReport] = field(default_factory=list)
    elapsed_ms: float = 0.0
    error: str = ""

    @property
    def all_valid(self) -> bool:
        return bool(self.signatures) and all(s.bottom_line for s in self.signatures)

    @property
    def modified_after_last_signature(self) -> bool:
        """True when bytes were appended after the last signature (it no longer covers the file)."""
        if not self.signatures:
            return False
        return self.signatures[-1].coverage != "ENTIRE_FILE"

    @property
    def signer_names(self) -> list[str]:
        return [s.signer_cn for s in self.signatures]


def trust_roots(*, school=None) -> list[asn1_x509.Certificate]:
    """Global TrustRoot rows, the school's rows, and PEM files in settings.HOSO_SIGNING_TRUST_ROOTS."""
    rows = TrustRoot.objects.filter(school__isnull=True)
    if school is not None:
        rows = TrustRoot.objects.filter(school__isnull=True) | TrustRoot.objects.filter(
            school=school
        )
    certs: list[asn1_x509.Certificate] = []
    for pem in rows.values_list("certificate_pem", flat=True):
        certs.extend(load_pem_certs(pem))
    for path in getattr(settings, "HOSO_SIGNING_TRUST_ROOTS", ()) or ():
        with open(path, encoding="ascii") as fh:
            certs.extend(load_pem_certs(fh.read()))
    return certs


def _enum_name(value) -> str:
    return getattr(value, "name", str(value)) if value is not None else ""


def validate_pdf(pdf: bytes, *, school=None, roots: list | None = None) -> ValidationReport:
    """Validate every signature of ``pdf`` offline (no fetching) against the trust roots
    (``roots``: asn1crypto certificates to use instead of the configured ones)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    started = time.perf_counter()
    report = ValidationReport()
    roots = trust_roots(school=school) if roots is None else roots
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:
        report.error = "Tệp không phải là PDF hợp lệ hoặc đã bị hỏng."
        log.info("validate_pdf: unreadable PDF: %s", exc)
        report.elapsed_ms = (time.perf_counter() - started) * 1000
        return report
    for emb in embedded:
        vc = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        ts_vc = ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
        )
        try:
            status = validate_pdf_signature(emb, vc, ts_validation_context=ts_vc)
        except Exception as exc:  # a malformed signature: report it as broken, not crash
            report.signatures.append(
                SignatureReport(
                    field_name=emb.field_name,
                    signer_cn="",
                    signing_time=None,
                    timestamp_time=None,
                    intact=False,
                    valid=False,
                    trusted=False,
                    coverage="",
                    modification_level="",
                    bottom_line=False,
                    error=str(exc)[:300],
                )
            )
            continue
        cert = status.signing_cert
        signer_cn = nfc(cert.subject.native.get("common_name", "")) if cert is not None else ""
        ts = status.timestamp_validity
        report.signatures.append(
            SignatureReport(
                field_name=emb.field_name,
                signer_cn=signer_cn,
                signing_time=status.signer_reported_dt,
                timestamp_time=ts.timestamp if ts is not None else None,
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                coverage=_enum_name(status.coverage),
                modification_level=_enum_name(status.modification_level),
                bottom_line=bool(status.bottom_line),
                timestamp_valid=(bool(ts.intact and ts.valid and ts.trusted) if ts else None),
                summary=status.summary(),
            )
        )
    report.elapsed_ms = (time.perf_counter() - started) * 1000
    return report


def pdf_sha256(pdf: bytes) -> str:
    return _sha(pdf)
