"""Signing the other books (issue 6, deliverable 6): grade sheets, class books, correction minutes.

A ``DocumentSpec`` says what is signed: the data hash, the signers in order, how to render it.
``document_prepare`` drafts the current version (or returns it unchanged when the data hash is the
same; supersedes it and drafts version n+1 when the data changed — the old signed PDF is kept).
``document_sign`` applies the next signer's signature (their credential, their password/PIN).

Rendering: ``hoso.printing.documents.<module>.render_<kind>(...)`` when the printing package has
it (with ``hoso.printing.render.signature_boxes``), otherwise this package's own "bản ký số"
(``typst/signing_copy.typ``): the same data as a plain table, with the signature block.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import in_sentence, nfc
from hoso.signing.errors import SigningErrorCode
from hoso.signing.models import (
    DocumentState,
    SignatureEvent,
    SignedDocument,
    SigningCredential,
)
from hoso.signing.services import credential_for, sign_pdf, verify_secret

TYPST_DIR = Path(__file__).resolve().parent / "typst"
NOTO_DIR = "/usr/share/fonts/truetype/noto"
# The blank space of the signature block of signing_copy.typ, points from the page's bottom
# (measured with pdftotext -bbox; tests check that no text falls inside it).
COPY_STAMP_Y1, COPY_STAMP_Y2 = 80.0, 142.0
COPY_MARGIN_LEFT, COPY_MARGIN_RIGHT = 56.69, 42.52
A4_SHORT, A4_LONG = 595.28, 841.89


@dataclass(frozen=True)
class Box:
    """Same shape as hoso.printing.render.SignatureBox."""

    name: str
    page: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Signer:
    slot: str  # printing's slot name: teacher, homeroom, principal, requester, witness
    caption: str  # printed above the stamp: "GIÁO VIÊN BỘ MÔN"
    role_label: str  # in the stamp: "Giáo viên bộ môn"
    user_id: int | None
    name: str

    def as_json(self, field_name: str) -> dict:
        return {
            "slot": self.slot,
            "caption": self.caption,
            "role_label": self.role_label,
            "user_id": self.user_id,
            "name": self.name,
            "field": field_name,
        }


@dataclass
class DocumentSpec:
    school: object
    kind: str
    subject_key: str
    object_type: str
    object_id: str
    title: str
    data_hash: str
    signers: list[Signer]
    copy_data: dict  # for signing_copy.typ: subtitle, tables, notes
    printing: tuple[str, str, dict] | None = None  # (module, function, kwargs)
    layout: str = ""  # printing's SIGNATURE_LAYOUT key
    ruleset_version: str = ""
    landscape: bool = False
    extra: dict = field(default_factory=dict)
    # A document that is already a PDF (an approved record's file): signed as it is, with
    # invisible signatures (its layout has no reserved signature space).
    source_pdf: bytes | None = None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_hash(value) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------ rendering


def _printing_renderer(spec: DocumentSpec) -> Callable[[], bytes] | None:
    if spec.printing is None:
        return None
    module_name, function_name, kwargs = spec.printing
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return None
    function = getattr(module, function_name, None)
    if function is None:
        return None
    return lambda: function(**kwargs)


def render_copy(spec: DocumentSpec) -> bytes:
    """This package's own rendering: header, title, the data tables, signature block, hash."""
    import typst

    data = {
        "school": nfc(spec.school.name),
        "school_office": nfc(getattr(spec.school, "office_name", "") or ""),
        "title": spec.title,
        "subtitle": spec.copy_data.get("subtitle", []),
        "tables": spec.copy_data.get("tables", []),
        "notes": spec.copy_data.get("notes", []),
        "data_hash": spec.data_hash,
        "signers": [{"caption": s.caption, "name": s.name} for s in spec.signers],
        "stamp_height": 70,
        "landscape": spec.landscape,
    }
    return typst.compile(
        str(TYPST_DIR / "signing_copy.typ"),
        font_paths=[NOTO_DIR],
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
    )


def copy_boxes(count: int, *, landscape: bool = False) -> list[Box]:
    width = (A4_LONG if landscape else A4_SHORT) - COPY_MARGIN_LEFT - COPY_MARGIN_RIGHT
    column = width / max(count, 1)
    boxes = []
    for i in range(count):
        x1 = COPY_MARGIN_LEFT + i * column + 8
        boxes.append(Box(f"slot{i}", -1, x1, COPY_STAMP_Y1, x1 + column - 16, COPY_STAMP_Y2))
    return boxes


def render(spec: DocumentSpec) -> tuple[bytes, list[Box | object], str]:
    """(pdf, one box per signer, which renderer) for ``spec``."""
    if spec.source_pdf is not None:
        return spec.source_pdf, [None] * len(spec.signers), "source"
    renderer = _printing_renderer(spec)
    if renderer is not None:
        from hoso.printing.render import signature_boxes

        by_slot = {b.name: b for b in signature_boxes(spec.layout)}
        boxes = [by_slot.get(s.slot) for s in spec.signers]
        return renderer(), boxes, "printing"
    return render_copy(spec), copy_boxes(len(spec.signers), landscape=spec.landscape), "copy"


def _store_pdf(school_id: int, kind: str, pdf: bytes) -> str:
    """Content-addressed: a rolled-back transaction leaves at most an unused file, never a
    wrong one."""
    name = f"signing/{school_id}/{kind}/{_sha(pdf)}.pdf"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(pdf))
        return saved
    return name


def document_pdf(document: SignedDocument) -> bytes:
    with default_storage.open(document.pdf.name, "rb") as fh:
        return fh.read()


# ------------------------------------------------------------------------------ actions


def _current(school, subject_key: str, *, lock: bool) -> SignedDocument | None:
    qs = SignedDocument.objects.filter(school=school, subject_key=subject_key).exclude(
        state=DocumentState.SUPERSEDED
    )
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def document_prepare(*, spec: DocumentSpec, acting_user=None) -> SignedDocument:
    """The current version of ``spec``'s document; drafted (or re-drafted after a data change)."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _prepare(spec, acting_user)
        except IntegrityError:  # a concurrent prepare drafted it first: read theirs
            if attempt:
                raise
    raise AssertionError("unreachable")


def _prepare(spec: DocumentSpec, acting_user) -> SignedDocument:
    current = _current(spec.school, spec.subject_key, lock=True)
    if current is not None and current.data_hash == spec.data_hash:
        return current
    pdf, boxes, renderer = render(spec)
    version = 1
    if current is not None:
        version = current.version + 1
    signers = [s.as_json(f"{spec.kind}_{i + 1}_{s.slot}") for i, s in enumerate(spec.signers)]
    for entry, box in zip(signers, boxes, strict=True):
        entry["box"] = [box.page, box.x1, box.y1, box.x2, box.y2] if box is not None else None
    if current is not None:
        before_state = current.state
        current.state = DocumentState.SUPERSEDED
        current.next_signer_id = None
        current.save(update_fields=["state", "next_signer_id", "updated_at"])
    document = SignedDocument.objects.create(
        school=spec.school,
        kind=spec.kind,
        subject_key=spec.subject_key,
        object_type=spec.object_type,
        object_id=spec.object_id,
        title=spec.title[:300],
        version=version,
        data_hash=spec.data_hash,
        ruleset_version=spec.ruleset_version,
        pdf=_store_pdf(spec.school.pk, spec.kind, pdf),
        pdf_sha256=_sha(pdf),
        signers=signers,
        next_signer_id=signers[0]["user_id"] if signers else None,
        signer_ids="," + ",".join(str(s["user_id"]) for s in signers) + ",",
    )
    if current is not None:
        current.superseded_by = document
        current.save(update_fields=["superseded_by", "updated_at"])
        audit_record(
            event_type="signing.document_superseded",
            actor=acting_user,
            school_id=spec.school.pk,
            target=current,
            before={"state": before_state, "data_hash": current.data_hash},
            after={
                "state": DocumentState.SUPERSEDED,
                "superseded_by": document.pk,
                "new_data_hash": spec.data_hash,
            },
        )
    audit_record(
        event_type="signing.document_drafted",
        actor=acting_user,
        school_id=spec.school.pk,
        target=document,
        after={
            "kind": spec.kind,
            "version": version,
            "data_hash": spec.data_hash,
            "pdf_sha256": document.pdf_sha256,
            "renderer": renderer,
            "signers": [s["name"] for s in signers],
        },
    )
    return document


def document_sign(
    *,
    actor,
    document: SignedDocument,
    secret: str,
    spec: DocumentSpec | None = None,
    credential: SigningCredential | None = None,
) -> SignedDocument:
    """The next signer signs with their credential, unlocked with ``secret``.

    ``spec`` (the data as it is now): when its hash differs from the document's, the document
    is superseded, a new version drafted, and SUPERSEDED is raised (sign the new version)."""
    user = actor.user
    if spec is not None and spec.data_hash != document.data_hash:
        document_prepare(spec=spec, acting_user=user)
        raise DomainError(
            SigningErrorCode.SUPERSEDED,
            "Dữ liệu đã thay đổi sau khi lập văn bản: đã lập phiên bản mới, vui lòng ký lại.",
        )
    # Check the password/PIN before the transaction, so that a wrong one stays in the audit
    # trail (and counts towards the lockout) instead of rolling back with the signing.
    own = credential or credential_for(user=user, school=document.school)
    if (
        own is not None
        and own.user_id == user.pk
        and any(s.get("user_id") == user.pk for s in document.signers)
    ):
        verify_secret(own, secret)
    with transaction.atomic():
        doc = SignedDocument.objects.select_for_update().get(pk=document.pk)
        if doc.state == DocumentState.SUPERSEDED:
            raise DomainError(
                SigningErrorCode.SUPERSEDED, "Văn bản này đã được thay thế bằng phiên bản mới."
            )
        signer = doc.next_signer
        if signer is None:
            raise DomainError(SigningErrorCode.ALREADY_SIGNED, "Văn bản đã được ký đủ.")
        if signer["user_id"] != user.pk:
            mine = any(s["user_id"] == user.pk for s in doc.signers)
            done = any(s["user_id"] == user.pk for s in doc.signers[: doc.next_index])
            if done:
                code, message = SigningErrorCode.ALREADY_SIGNED, "Bạn đã ký văn bản này."
            elif mine:
                code, message = (
                    SigningErrorCode.NOT_YOUR_TURN,
                    f"Chưa đến lượt bạn ký: đang chờ {signer['name']} ({signer['role_label']}).",
                )
            else:
                code, message = (
                    SigningErrorCode.NOT_A_SIGNER,
                    "Bạn không phải người ký văn bản này.",
                )
            raise PermissionDeniedError(code, message)
        credential = credential or credential_for(user=user, school=doc.school)
        if credential is None or credential.user_id != user.pk:
            raise DomainError(
                SigningErrorCode.CREDENTIAL_MISSING,
                "Bạn chưa có chữ ký số đang hoạt động: hãy thêm chữ ký số ở mục “Chữ ký số của tôi”.",
            )
        pdf = document_pdf(doc)
        box = None
        if signer.get("box"):
            page, x1, y1, x2, y2 = signer["box"]
            box = Box(signer["slot"], int(page), x1, y1, x2, y2)
        signed = sign_pdf(
            pdf=pdf,
            credential=credential,
            secret=secret,
            field_name=signer["field"],
            box=box,
            signer_name=signer["name"],
            role_label=signer["role_label"],
            reason=f"Ký {in_sentence(doc.get_kind_display())}",
            actor=user,
            audit=False,
        )
        before = {"state": doc.state, "pdf_sha256": doc.pdf_sha256, "next_index": doc.next_index}
        index = doc.next_index
        doc.pdf = _store_pdf(doc.school_id, doc.kind, signed)
        doc.pdf_sha256 = _sha(signed)
        doc.next_index = index + 1
        doc.state = (
            DocumentState.SIGNED
            if doc.next_index >= len(doc.signers)
            else DocumentState.PARTIALLY_SIGNED
        )
        following = doc.next_signer
        doc.next_signer_id = following["user_id"] if following else None
        doc.save(
            update_fields=[
                "pdf",
                "pdf_sha256",
                "next_index",
                "state",
                "next_signer_id",
                "updated_at",
            ]
        )
        SignatureEvent.objects.create(
            document=doc,
            index=index,
            field_name=signer["field"],
            user=user,
            credential=credential,
            signer_cn=credential.subject_cn,
            role_label=signer["role_label"],
            signed_at=clock.now(),
            hash_before=before["pdf_sha256"],
            hash_after=doc.pdf_sha256,
        )
        audit_record(
            event_type="signing.document_signed",
            actor=user,
            school_id=doc.school_id,
            target=doc,
            before=before,
            after={
                "state": doc.state,
                "pdf_sha256": doc.pdf_sha256,
                "next_index": doc.next_index,
                "field": signer["field"],
                "signer": signer["name"],
                "role": signer["role_label"],
                "certificate_cn": credential.subject_cn,
                "certificate_serial": credential.serial,
                "data_hash": doc.data_hash,
            },
        )
    return doc


@dataclass
class RefreshResult:
    checked: int = 0
    superseded: int = 0
    waiting_confirmation: int = 0  # data changed, not confirmed again yet: nothing to draft


def documents_refresh(*, school=None, spec_for: Callable | None = None) -> RefreshResult:
    """Supersede every current document whose underlying data changed (e.g. after a correction)
    and draft its next version, so that its signers are asked to sign again.

    Run by ``manage.py signing_refresh`` (cron) and the ``refresh_documents`` task. A book whose
    data changed but whose teacher has not confirmed it again yet is left as it is and counted
    in ``waiting_confirmation`` (its page says so)."""
    from hoso.signing.books import spec_for_document

    spec_for = spec_for or spec_for_document
    result = RefreshResult()
    qs = SignedDocument.objects.exclude(state=DocumentState.SUPERSEDED)
    if school is not None:
        qs = qs.filter(school=school)
    for doc in qs.iterator():
        result.checked += 1
        try:
            spec = spec_for(doc)
        except DomainError as exc:
            if exc.code == SigningErrorCode.NOT_READY:
                result.waiting_confirmation += 1
                continue
            raise
        if spec.data_hash != doc.data_hash:
            document_prepare(spec=spec)
            result.superseded += 1
    return result
