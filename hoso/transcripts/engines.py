"""The two services transcripts depend on, behind one small door each.

The content comes from this package (``content.py``); its layout and rendering from
``hoso.printing`` (``documents.transcript_layout`` and ``documents.render_transcript``),
signatures from ``hoso.signing.services``. Everything this package needs from them goes through
here, so the rest of the package never imports them and the error codes they raise are
translated into this package's codes once.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from hoso.core.errors import DomainError
from hoso.core.publicurl import configured_public_url_refusal
from hoso.transcripts.errors import MESSAGES, TranscriptError, fail

JSON_NAME = "hoc-ba.json"
JSON_MIME = "application/json"
PDF_STANDARD = "a-3b"


def canonical_json(data: dict) -> bytes:
    """The bytes hashed and embedded: sorted keys, no spaces, UTF-8 (marks kept as is)."""
    return json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
    ).encode("utf-8")


def data_hash(data: dict) -> str:
    """The data hash of a transcript's stored (and embedded) data: SHA-256 of the canonical JSON
    of its content (``data["content"]``, content version 2 on), never of its formatting. Data
    drafted before the content existed (content version 1) had the printed data hashed whole."""
    if "content" in data:
        from hoso.transcripts.content import content_hash

        return content_hash(data["content"])
    return hashlib.sha256(canonical_json(data)).hexdigest()


def content_version(data: dict) -> int:
    """The content version of stored data (1: before content.py, the printed data hashed)."""
    from hoso.transcripts.content import LEGACY_VERSION

    return int((data.get("content") or {}).get("content_version") or LEGACY_VERSION)


@dataclass(frozen=True)
class Fresh:
    """A transcript as it would be drafted now: its content and the data stored and embedded in
    the PDF (the printed layout, with the content under "content"); ``digest`` is the hash of
    the content."""

    content: dict
    data: dict
    digest: str

    def digest_as(self, version: int) -> str | None:
        """The hash by the formula of content ``version`` (2 on); None when that version cannot
        express this content (``content.content_hash_as``)."""
        from hoso.transcripts.content import content_hash_as

        return content_hash_as(self.content, version)

    @property
    def legacy_hash(self) -> str:
        """The data hash by the formula of content version 1: the printed data hashed whole."""
        return data_hash({k: v for k, v in self.data.items() if k != "content"})


def fresh(*, student, year) -> Fresh:
    from hoso.transcripts.content import content_hash, transcript_content

    content = transcript_content(student=student, year=year)
    return Fresh(
        content=content, data=layout(content) | {"content": content}, digest=content_hash(content)
    )


def fresh_many(*, students, year) -> dict[int, Fresh]:
    """``fresh`` of many students of ``year`` (student id → Fresh), their contents built a class
    at a time (``content.transcripts_content_many``): the same values, far fewer queries."""
    from hoso.transcripts.content import content_hash, transcripts_content_many

    return {
        pk: Fresh(
            content=content,
            data=layout(content) | {"content": content},
            digest=content_hash(content),
        )
        for pk, content in transcripts_content_many(students=students, year=year).items()
    }


def sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


# ------------------------------------------------------------------------------- printing


def layout(content: dict) -> dict:
    """The printed transcript of ``content`` (labels, formatted scores and dates)."""
    from hoso.printing.documents import transcript_layout

    return transcript_layout(content)


def _public_base() -> str:
    return (
        getattr(settings, "HOSO_PUBLIC_URL", "")
        or os.environ.get("HOSO_PUBLIC_URL", "")
        or "http://localhost:8000"
    ).strip()


def require_public_url() -> None:
    """Refuse (``TranscriptError.PUBLIC_URL_INVALID``) to put an address nobody outside can open
    into a transcript — unset, localhost, a private address — unless this machine is nobody's
    server (``HOSO_ALLOW_LOCAL_PUBLIC_URL``: DEBUG, local host names only; never in production
    mode). Called before a PDF is drafted and before anyone signs one."""
    problem = configured_public_url_refusal()
    if problem:
        raise fail(TranscriptError.PUBLIC_URL_INVALID, problem=problem)


def public_url(code: str) -> str:
    """The absolute address printed (as a QR code) on the document."""
    base = _public_base()
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

    require_public_url()
    return render_transcript(
        {k: v for k, v in data.items() if k != "content"},
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
        if seal:  # no user: the school's organisation seal (chứng thư số con dấu)
            found = services.credential_for(school=school)
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
    *,
    pdfs: list[bytes],
    credential,
    secret: str,
    signer: str,
    signer_name: str,
    role_label: str,
    actor=None,
    document_refs: list[str] | None = None,
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
                box_for=lambda _index, _pdf: stamp_box,
                signer_name=signer_name,
                role_label=role_label,
                reason="Ký học bạ số",
                actor=actor,
                document_refs=document_refs,
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
    roots: str = ""  # fingerprint of the trust roots it was validated against

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "modified_after_last_signature": self.modified_after_last_signature,
            "signatures": [vars(s) for s in self.signatures],
            "error": self.error,
            "roots": self.roots,
        }

    @classmethod
    def from_json(cls, data: dict) -> Validation:
        return cls(
            ok=bool(data.get("ok")),
            modified_after_last_signature=bool(data.get("modified_after_last_signature")),
            signatures=[SignatureInfo(**s) for s in data.get("signatures", [])],
            error=data.get("error", ""),
            roots=data.get("roots", ""),
        )


def roots_fingerprint(*, school=None) -> str:
    """Changes when a trust root is added or removed: a cached validation is then redone."""
    from hoso.signing import services

    digests = sorted(cert.sha256.hex() for cert in services.trust_roots(school=school))
    return hashlib.sha256(",".join(digests).encode()).hexdigest()


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    return str(value)


ROLE_BY_FIELD = {
    "GVCN": "Giáo viên chủ nhiệm",
    "HieuTruong": "Hiệu trưởng",
    "NhaTruong": "Chữ ký số của nhà trường",
}


def validate(pdf: bytes, *, school=None) -> Validation:
    """Validate every signature of ``pdf`` against the configured trust roots (global ones and
    ``school``'s)."""
    from hoso.signing import services

    try:
        report = services.validate_pdf(pdf, school=school)
    except DomainError as exc:
        return Validation(ok=False, error=exc.message)
    signatures = [
        SignatureInfo(
            field=sig.field_name,
            signer=sig.signer_cn,
            role=ROLE_BY_FIELD.get(sig.field_name, ""),
            signed_at=_text(sig.signing_time_local),
            valid=bool(sig.bottom_line),
            trusted=bool(sig.trusted),
            intact=bool(sig.intact),
            summary=sig.summary or sig.error,
        )
        for sig in report.signatures
    ]
    modified = bool(report.modified_after_last_signature)
    ok = bool(report.all_valid) and not modified and not report.error
    return Validation(
        ok=ok,
        modified_after_last_signature=modified,
        signatures=signatures,
        error=report.error,
        roots=roots_fingerprint(school=school),
    )
