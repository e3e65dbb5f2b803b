"""The two services transcripts depend on, behind one small door each.

Rendering and data come from ``hoso.printing`` (``documents.transcript_data`` and
``documents.render_transcript``), signatures from ``hoso.signing.services``. Everything this
package needs from them goes through here, so the rest of the package never imports them and the
error codes they raise are translated into this package's codes once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from hoso.core.errors import DomainError
from hoso.transcripts.errors import MESSAGES, TranscriptError

JSON_NAME = "hoc-ba.json"
JSON_MIME = "application/json"
PDF_STANDARD = "a-3b"


def canonical_json(data: dict) -> bytes:
    """The bytes hashed and embedded: sorted keys, no spaces, UTF-8 (marks kept as is)."""
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


def data_hash(data: dict) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


# ------------------------------------------------------------------------------- printing


def transcript_data(*, student, year) -> dict:
    from hoso.printing.documents import transcript_data as _data

    return _data(student=student, year=year)


def public_url(code: str) -> str:
    """The absolute address printed (as a QR code) on the document."""
    base = getattr(settings, "HOSO_PUBLIC_URL", "") or "http://localhost:8000"
    try:
        path = reverse("verify:detail", args=[code])
    except NoReverseMatch:  # the public pages are mounted at /xac-minh/ (hoso/urls.py)
        path = f"/xac-minh/{code}"
    return base.rstrip("/") + path


def render(data: dict, *, code: str) -> bytes:
    """The transcript as PDF/A-3b with its data embedded as JSON and the QR + short code.

    Rendered once, when the version is drafted: every signature after that is an incremental
    update of these bytes, so what each signer signs already carries the code and the data."""
    from hoso.printing.documents import render_transcript

    return render_transcript(
        data,
        verification={"code": code, "url": public_url(code)},
        pdf_standard=PDF_STANDARD,
        attachments=[(JSON_NAME, canonical_json(data), JSON_MIME)],
    )


# -------------------------------------------------------------------------------- signing

# The signature field and stamp slot of each signer (boxes from hoso.printing.render).
FIELDS = {
    "homeroom": ("GVCN", "homeroom"),
    "principal": ("HieuTruong", "principal"),
    "seal": ("NhaTruong", "school_seal"),
}


def box(slot: str):
    from hoso.printing.render import signature_boxes

    for candidate in signature_boxes("transcript"):
        if candidate.name == slot:
            return candidate
    raise LookupError(slot)


def credential(*, user=None, school=None, seal: bool = False):
    """The active credential of ``user`` (a person) or the school's seal; DomainError if none."""
    from hoso.signing import services

    try:
        if seal:
            found = services.credential_for(school=school, kind="seal")
        else:
            found = services.credential_for(user=user, school=school)
    except DomainError as exc:
        raise _translate(exc) from exc
    if found is None:
        raise DomainError(TranscriptError.NO_CREDENTIAL, MESSAGES[TranscriptError.NO_CREDENTIAL])
    return found


def _translate(exc: DomainError) -> DomainError:
    code = str(exc.code)
    if code == "signing.wrong_secret":
        return DomainError(TranscriptError.WRONG_SECRET, MESSAGES[TranscriptError.WRONG_SECRET])
    if code == "signing.credential_missing":
        return DomainError(TranscriptError.NO_CREDENTIAL, MESSAGES[TranscriptError.NO_CREDENTIAL])
    return DomainError(TranscriptError.SIGNING_FAILED, exc.message)


def sign_batch(
    *, pdfs: list[bytes], credential, secret: str, signer: str, signer_name: str, role_label: str
) -> list[bytes]:
    """Sign every PDF with one unlock of the key (one password/PIN entry)."""
    from hoso.signing import services

    field_name, slot = FIELDS[signer]
    stamp_box = box(slot)
    try:
        return list(
            services.sign_many(
                pdfs=pdfs,
                credential=credential,
                secret=secret,
                field_name=field_name,
                box_for=lambda *_args, **_kwargs: stamp_box,
                signer_name=signer_name,
                role_label=role_label,
                reason="Ký học bạ số",
            )
        )
    except DomainError as exc:
        raise _translate(exc) from exc


# ----------------------------------------------------------------------------- validation


@dataclass
class SignatureInfo:
    field: str = ""
    signer: str = ""
    role: str = ""
    signed_at: str = ""
    valid: bool = False
    trusted: bool = False
    intact: bool = False
    summary: str = ""


@dataclass
class Validation:
    ok: bool = False
    modified_after_last_signature: bool = False
    signatures: list[SignatureInfo] = field(default_factory=list)
    error: str = ""

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "modified_after_last_signature": self.modified_after_last_signature,
            "signatures": [vars(s) for s in self.signatures],
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: dict) -> Validation:
        return cls(
            ok=bool(data.get("ok")),
            modified_after_last_signature=bool(data.get("modified_after_last_signature")),
            signatures=[SignatureInfo(**s) for s in data.get("signatures", [])],
            error=data.get("error", ""),
        )


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def validate(pdf: bytes) -> Validation:
    """Validate every signature of ``pdf`` against the configured trust roots."""
    from hoso.signing import services

    try:
        report = services.validate_pdf(pdf)
    except DomainError as exc:
        return Validation(ok=False, error=exc.message)
    except Exception as exc:  # a broken file: report it, never crash the public page
        return Validation(
            ok=False, error=f"Không đọc được chữ ký trong tệp ({type(exc).__name__})."
        )
    signatures = []
    for sig in getattr(report, "signatures", []) or []:

        def get(*names, sig=sig):
            for name in names:
                value = getattr(sig, name, None)
                if value is None and isinstance(sig, dict):
                    value = sig.get(name)
                if value is not None:
                    return value
            return None

        signatures.append(
            SignatureInfo(
                field=_text(get("field_name", "field")),
                signer=_text(get("signer_name", "signer", "subject_cn")),
                role=_text(get("role_label", "role")),
                signed_at=_text(get("signed_at", "signing_time", "timestamp")),
                valid=bool(get("valid", "bottom_line")),
                trusted=bool(get("trusted")),
                intact=bool(get("intact")),
                summary=_text(get("summary", "message")),
            )
        )
    modified = bool(getattr(report, "modified_after_last_signature", False))
    ok = bool(getattr(report, "all_valid", False)) and bool(signatures) and not modified
    return Validation(ok=ok, modified_after_last_signature=modified, signatures=signatures)
