"""Public verification of issued transcripts (no login): by code or by uploading the PDF.

The public answer says only what confirms authenticity: the status (current, revoked, replaced),
the issuing school, the student's name partly masked, class and year, who signed (names, roles,
times) and whether the signatures validate against the trust roots. No birth date, no grades,
no identifiers (REGULATIONS §7: personal data of children, minimum necessary).

Every lookup is logged (``VerificationLog``: IP, what was asked, the result) and rate-limited per
IP with the cache (``HOSO_VERIFY_RATE`` lookups a minute, 30 by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from hoso.core import clock, files
from hoso.transcripts import engines
from hoso.transcripts.codes import normalise_code
from hoso.transcripts.errors import TranscriptError, fail
from hoso.transcripts.models import Transcript, TranscriptRevision, VerificationLog

S = Transcript.State
MAX_UPLOAD_MB = 10
PUBLIC_STATES = (S.ISSUED, S.REVOKED)


class Status:
    CURRENT = "current"  # issued, valid
    REVOKED = "revoked"  # revoked, no replacement issued yet
    REPLACED = "replaced"  # revoked and the corrected version has been issued
    NOT_FOUND = "not_found"
    INVALID = "invalid"  # signatures do not validate


STATUS_LABELS = {
    Status.CURRENT: "Học bạ xác thực, đang có hiệu lực",
    Status.REVOKED: "Học bạ đã bị thu hồi",
    Status.REPLACED: "Học bạ đã bị thu hồi và được thay thế bằng bản cấp lại",
    Status.NOT_FOUND: "Không tìm thấy học bạ đã cấp với mã này",
    Status.INVALID: "Chữ ký số trên học bạ không hợp lệ",
}


def rate_limit(ip: str | None) -> None:
    """Count one lookup for ``ip`` in the current minute; DomainError(RATE_LIMITED) past the limit."""
    limit = int(getattr(settings, "HOSO_VERIFY_RATE", 30))
    window = int(clock.now().timestamp() // 60)
    key = f"transcripts:verify:{ip or '-'}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        raise fail(TranscriptError.RATE_LIMITED)


def mask_name(full_name: str) -> str:
    """ "Nguyễn Văn An" → "N*** V*** An": the given name and the initials, nothing more."""
    words = full_name.split()
    if not words:
        return ""
    masked = [w[0] + "***" for w in words[:-1]]
    return " ".join([*masked, words[-1]])


@dataclass
class Signer:
    role: str
    name: str
    at: object  # aware datetime


@dataclass
class PublicView:
    status: str
    code: str = ""
    school: str = ""
    office: str = ""
    student: str = ""
    school_class: str = ""
    year: str = ""
    version: int = 0
    issued_at: object = None
    revoked_at: object = None
    revoke_reason_given: bool = False
    replacement_issued_at: object = None
    signers: list[Signer] = field(default_factory=list)
    validation: engines.Validation | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def authentic(self) -> bool:
        return self.validation is not None and self.validation.ok


def validation_for(revision: TranscriptRevision) -> engines.Validation:
    """The validation of this exact file, computed once and kept with the revision."""
    school = revision.transcript.school
    if revision.validation is not None:
        cached = engines.Validation.from_json(revision.validation)
        if cached.roots == engines.roots_fingerprint(school=school):
            return cached
    with revision.file.open("rb") as fh:
        pdf = fh.read()
    result = engines.validate(pdf, school=school)
    TranscriptRevision.objects.filter(pk=revision.pk).update(
        validation=result.as_json(), validated_at=clock.now()
    )
    return result


def transcript_signers(t: Transcript) -> list[Signer]:
    """The signatures inside the current PDF, in order (a returned draft's older signatures are
    history, not part of this file)."""
    revisions = list(t.revisions.order_by("seq"))
    current = next((r for r in reversed(revisions) if r.file.name == t.pdf.name), None)
    if current is None:
        return []
    last_draft = max(
        (
            r.seq
            for r in revisions
            if r.kind == TranscriptRevision.Kind.DRAFT and r.seq <= current.seq
        ),
        default=0,
    )
    return [
        Signer(role=r.role_label, name=r.signer_name, at=r.created_at)
        for r in revisions
        if last_draft < r.seq <= current.seq
    ]


def public_view(transcript: Transcript | None) -> PublicView:
    if transcript is None or transcript.state not in PUBLIC_STATES:
        return PublicView(status=Status.NOT_FOUND)
    t = transcript
    status = Status.CURRENT
    replacement_at = None
    if t.state == S.REVOKED:
        status = Status.REVOKED
        replacement = t.replaced_by
        if replacement is not None and replacement.state == S.ISSUED:
            status = Status.REPLACED
            replacement_at = replacement.issued_at
    current = t.revisions.filter(file=t.pdf.name).order_by("-seq").first()
    validation = validation_for(current) if current else None
    if status == Status.CURRENT and (validation is None or not validation.ok):
        status = Status.INVALID
    school = t.school
    return PublicView(
        status=status,
        code=t.code,
        school=school.name,
        office=school.office_name,
        student=mask_name(t.student.full_name),
        school_class=t.school_class.name,
        year=t.year.name,
        version=t.version,
        issued_at=t.issued_at,
        revoked_at=t.revoked_at,
        revoke_reason_given=bool(t.revoke_reason),
        replacement_issued_at=replacement_at,
        signers=transcript_signers(t),
        validation=validation,
    )


def verify_code(*, typed: str, ip: str | None) -> PublicView:
    """Look a typed code up (rate-limited, logged)."""
    rate_limit(ip)
    code = normalise_code(typed)
    if code is None:
        VerificationLog.objects.create(
            ip=ip, kind=VerificationLog.Kind.CODE, code=(typed or "")[:20], result="invalid_code"
        )
        raise fail(TranscriptError.CODE_INVALID)
    transcript = (
        Transcript.objects.select_related(
            "school", "student", "school_class", "year", "replaced_by"
        )
        .filter(code=code)
        .first()
    )
    view = public_view(transcript)
    VerificationLog.objects.create(
        ip=ip,
        kind=VerificationLog.Kind.CODE,
        code=code,
        transcript=transcript if view.status != Status.NOT_FOUND else None,
        result=view.status,
    )
    return view


@dataclass
class UploadReport:
    size: int
    sha256: str
    validation: engines.Validation
    matched: Transcript | None = None
    matched_revision: TranscriptRevision | None = None
    view: PublicView | None = None

    @property
    def authentic(self) -> bool:
        """Our own issued file, byte for byte, with valid signatures."""
        return (
            self.matched is not None
            and self.matched_revision is not None
            and self.matched_revision.kind == TranscriptRevision.Kind.SEAL
            and self.validation.ok
        )


def verify_upload(*, upload, ip: str | None) -> UploadReport:
    """Validate an uploaded PDF: its signatures, whether it was modified after signing, and
    whether it is byte for byte a document we issued (by its SHA-256)."""
    rate_limit(ip)
    if upload is None:
        raise fail(TranscriptError.UPLOAD_MISSING)
    limit = MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        VerificationLog.objects.create(
            ip=ip,
            kind=VerificationLog.Kind.UPLOAD,
            result="too_large",
            detail={"size": upload.size},
        )
        raise fail(TranscriptError.UPLOAD_TOO_LARGE, limit=MAX_UPLOAD_MB)
    blob = upload.read(limit + 1)
    if not files.is_pdf(blob):
        VerificationLog.objects.create(
            ip=ip, kind=VerificationLog.Kind.UPLOAD, result="not_pdf", detail={"size": len(blob)}
        )
        raise fail(TranscriptError.UPLOAD_NOT_PDF)
    digest = engines.sha256(blob)
    revision = (
        TranscriptRevision.objects.select_related(
            "transcript__school",
            "transcript__student",
            "transcript__school_class",
            "transcript__year",
            "transcript__replaced_by",
        )
        .filter(sha256=digest, transcript__state__in=PUBLIC_STATES)
        .order_by("-seq")
        .first()
    )
    if revision is not None:
        validation = validation_for(revision)  # the same bytes: the cached result applies
    else:
        validation = engines.validate(blob)
    report = UploadReport(size=len(blob), sha256=digest, validation=validation)
    if revision is not None:
        report.matched, report.matched_revision = revision.transcript, revision
        report.view = public_view(revision.transcript)
    if report.authentic:
        result = "authentic"
    elif revision is not None:
        result = "matched_not_final"
    elif validation.ok:
        result = "valid_unknown"
    else:
        result = "not_authentic"
    VerificationLog.objects.create(
        ip=ip,
        kind=VerificationLog.Kind.UPLOAD,
        code=report.matched.code if report.matched else "",
        transcript=report.matched,
        result=result,
        detail={
            "sha256": digest,
            "size": len(blob),
            "signatures": len(validation.signatures),
            "modified_after_last_signature": validation.modified_after_last_signature,
        },
    )
    return report


__all__ = ["mask_name", "rate_limit", "validation_for", "verify_code", "verify_upload"]
