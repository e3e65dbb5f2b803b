"""Writes of the document register: keyword-only, policy-checked, one transaction, audited.

Outgoing documents (văn bản đi, NĐ 30/2020 Đ14-19, Đ33):
``outgoing_create`` (draft) → ``outgoing_sign`` (competent person; the issue deadline is the
same or the next working day of the school's calendar) → ``outgoing_number`` (clerk: number,
symbol and date from the register's series, under the counter's row lock) → ``outgoing_issue``
(clerk: the organisation's signature, only after the competent person's, and issue).
"""

from __future__ import annotations

from django.core.files import File
from django.db import transaction

from hoso.accounts.actor import Actor
from hoso.accounts.roles import Role
from hoso.audit.actions import audit_record
from hoso.core import clock, files
from hoso.core.errors import DomainError, PermissionDeniedError, bounded
from hoso.core.text import fold, nfc
from hoso.correspondence import numbering, policies
from hoso.correspondence.errors import CorrespondenceError as E
from hoso.correspondence.models import (
    CONFIDENTIAL_REGISTERS,
    AssigneeRole,
    DocumentType,
    IncomingAssignee,
    IncomingDocument,
    IncomingProgress,
    IncomingState,
    Medium,
    OfficeProfile,
    OutgoingDocument,
    Register,
    Urgency,
)
from hoso.correspondence.workflow import incoming_next_state, next_state
from hoso.organisation.workdays import add_working_days
from hoso.records import filetypes, textextract

__all__ = [
    "office_setup",
    "office_abbreviation_set",
    "outgoing_create",
    "outgoing_sign",
    "outgoing_attach",
    "outgoing_number",
    "outgoing_issue",
    "incoming_register",
    "incoming_present",
    "incoming_direct",
    "incoming_acknowledge",
    "incoming_progress_add",
    "incoming_reply_link",
    "incoming_done",
]

OUTGOING_REGISTERS = (Register.OUTGOING, Register.OUTGOING_CONFIDENTIAL)


# --- setup ----------------------------------------------------------------------------------


def office_setup(*, school) -> OfficeProfile:
    """The school's office profile and the default document types (idempotent, no audit: the
    defaults of REGULATIONS §8, created the first time the register is opened)."""
    with transaction.atomic():
        profile, _ = OfficeProfile.objects.get_or_create(
            school=school, defaults={"abbreviation": numbering.default_abbreviation(school)}
        )
        have = set(DocumentType.objects.filter(school=school).values_list("name", flat=True))
        DocumentType.objects.bulk_create(
            DocumentType(school=school, name=name, abbreviation=abbr, order=i)
            for i, (name, abbr) in enumerate(numbering.DEFAULT_TYPES)
            if name not in have
        )
    return profile


def office_abbreviation_set(*, actor: Actor, abbreviation: str) -> OfficeProfile:
    """The principal sets the school's abbreviation used in symbols (audited)."""
    policies.check(actor.has(Role.PRINCIPAL), "Chỉ Hiệu trưởng được đổi chữ viết tắt tên trường.")
    value = nfc(abbreviation).strip().upper()
    if not value or len(value) > 30 or any(c in value for c in " /"):
        raise DomainError(
            E.NO_ABBREVIATION,
            "Chữ viết tắt tên trường gồm 1–30 ký tự, không có dấu cách và dấu “/”.",
            field="abbreviation",
        )
    office_setup(school=actor.school)
    with transaction.atomic():
        profile = OfficeProfile.objects.select_for_update().get(school=actor.school)
        before = profile.abbreviation
        if before == value:
            return profile
        profile.abbreviation = value
        profile.save(update_fields=["abbreviation"])
        audit_record(
            event_type="correspondence.abbreviation_set",
            actor=actor.user,
            school_id=actor.school_id,
            target=profile,
            before={"abbreviation": before},
            after={"abbreviation": value},
        )
    return profile


# --- outgoing -------------------------------------------------------------------------------


def _snapshot(doc: OutgoingDocument) -> dict:
    return {
        "state": doc.state,
        "register": doc.register,
        "symbol": doc.symbol,
        "document_date": doc.document_date.isoformat() if doc.document_date else None,
        "signer": doc.signer_name,
        "issue_due": doc.issue_due.isoformat() if doc.issue_due else None,
    }


def _required(value: str, limit: int, *, what: str, field: str) -> str:
    text = bounded(nfc(value or "").strip(), limit, what=what, field=field)
    if not text:
        raise DomainError(E.REQUIRED, f"Hãy nhập {what.lower()}.", field=field)
    return text


def _with_file_copy(recipients: str) -> str:
    """ "Nơi nhận" always ends with the file copy at the clerk's office: "Lưu: VT"."""
    lines = [line.strip() for line in recipients.splitlines() if line.strip()]
    if not any(fold(line).startswith("luu") for line in lines):
        lines.append("Lưu: VT.")
    return "\n".join(lines)


def outgoing_create(
    *,
    actor: Actor,
    doc_type_id: int,
    summary: str,
    recipients: str,
    copies: int = 1,
    confidential: bool = False,
    reader_ids: list[int] | tuple = (),
) -> OutgoingDocument:
    """A draft outgoing document (no number yet: numbers are given after signature)."""
    policies.check(
        policies.can_draft(actor),
        "Chỉ Văn thư, Hiệu trưởng, Phó hiệu trưởng được lập văn bản đi.",
    )
    if confidential:
        policies.check(
            policies.can_draft_confidential(actor),
            "Chỉ Hiệu trưởng và Văn thư được lập văn bản mật.",
        )
    office_setup(school=actor.school)
    doc_type = DocumentType.objects.filter(
        pk=doc_type_id, school=actor.school, is_active=True
    ).first()
    if doc_type is None:
        raise DomainError(E.BAD_TYPE, "Hãy chọn loại văn bản.", field="doc_type")
    summary = _required(summary, 500, what="Trích yếu nội dung", field="summary")
    recipients = _with_file_copy(_required(recipients, 2000, what="Nơi nhận", field="recipients"))
    if not 1 <= int(copies) <= 999:
        raise DomainError(E.REQUIRED, "Số lượng bản từ 1 đến 999.", field="copies")
    with transaction.atomic():
        doc = OutgoingDocument.objects.create(
            school=actor.school,
            register=Register.OUTGOING_CONFIDENTIAL if confidential else Register.OUTGOING,
            doc_type=doc_type,
            summary=summary,
            summary_folded=fold(summary)[:500],
            recipients=recipients,
            copies=int(copies),
            drafted_by=actor.user,
            drafted_at=clock.now(),
        )
        if confidential and reader_ids:
            from hoso.accounts.models import User

            doc.readers.set(
                User.objects.filter(
                    pk__in=list(reader_ids), staff_profiles__school=actor.school
                ).distinct()
            )
        audit_record(
            event_type="correspondence.outgoing_drafted",
            actor=actor.user,
            school_id=actor.school_id,
            target=doc,
            after={**_snapshot(doc), "type": doc_type.name, "summary": summary},
        )
    return doc


def _locked(actor: Actor, document_id: int) -> OutgoingDocument:
    doc = (
        OutgoingDocument.objects.select_for_update()
        .filter(pk=document_id, school_id=actor.school_id)
        .first()
    )
    if doc is None or not policies.can_view_outgoing(actor, doc):
        raise DomainError(E.NOT_ALLOWED, "Không tìm thấy văn bản.")
    return doc


def _move(doc: OutgoingDocument, action: str, message: str) -> None:
    target = next_state(doc.state, action)
    if target is None:
        raise DomainError(E.BAD_STATE, message)
    doc.state = target


def signer_title(actor: Actor) -> str:
    """The signing authority line: the head signs as itself, a vice principal "KT." (Đ13)."""
    head = actor.school.head_title.upper()
    if actor.has(Role.PRINCIPAL):
        return head
    deputy = "PHÓ " + head
    return f"KT. {head} / {deputy}"


def outgoing_sign(*, actor: Actor, document_id: int) -> OutgoingDocument:
    """The competent person signs the draft (ký ban hành). The clerk must then number and issue
    it the same or the next working day (Đ18): the deadline counts the school's calendar."""
    policies.check(
        policies.can_sign(actor),
        "Chỉ người có thẩm quyền (Hiệu trưởng, Phó hiệu trưởng) được ký ban hành.",
        E.NOT_SIGNER,
    )
    now = clock.now()
    with transaction.atomic():
        doc = _locked(actor, document_id)
        before = _snapshot(doc)
        _move(doc, "sign", "Văn bản đã được ký.")
        doc.signer = actor.user
        doc.signer_name = (actor.staff.full_name if actor.staff else str(actor.user))[:200]
        doc.signer_title = signer_title(actor)[:80]
        doc.signed_at = now
        doc.issue_due = add_working_days(doc.school_id, clock.local_now().date(), 1)
        doc.save()
        audit_record(
            event_type="correspondence.outgoing_signed",
            actor=actor.user,
            school_id=doc.school_id,
            target=doc,
            before=before,
            after=_snapshot(doc),
            acting_as=actor.acting_as_for(Role.PRINCIPAL, Role.VICE_PRINCIPAL),
        )
    return doc


def outgoing_number(*, actor: Actor, document_id: int) -> OutgoingDocument:
    """The clerk gives the signed document its number, symbol and date: the next number of the
    register's series of this calendar year (no gaps, no reuse; Đ15)."""
    policies.check(policies.can_keep_office(actor), "Chỉ Văn thư được cấp số văn bản.")
    today = clock.today()
    with transaction.atomic():
        doc = _locked(actor, document_id)
        before = _snapshot(doc)
        _move(
            doc,
            "number",
            "Chỉ cấp số cho văn bản đã được người có thẩm quyền ký và chưa có số.",
        )
        profile = office_setup(school=doc.school)
        abbreviation = doc.doc_type.abbreviation
        number = numbering.number_take(
            school_id=doc.school_id, register=doc.register, year=today.year
        )
        doc.year, doc.number, doc.document_date = today.year, number, today
        doc.symbol = numbering.format_symbol(number, abbreviation, profile.abbreviation)
        doc.numbered_by, doc.numbered_at = actor.user, clock.now()
        doc.save()
        audit_record(
            event_type="correspondence.outgoing_numbered",
            actor=actor.user,
            school_id=doc.school_id,
            target=doc,
            before=before,
            after=_snapshot(doc),
        )
    return doc


def outgoing_attach(*, actor: Actor, document_id: int, upload) -> OutgoingDocument:
    """The clerk keeps the file copy (bản lưu): the signed PDF, content-checked, bounded in
    size, hashed; its text is extracted for search. Not after issue."""
    policies.check(policies.can_keep_office(actor), "Chỉ Văn thư lưu bản văn bản.")
    if upload is None:
        raise DomainError(E.NO_FILE, "Hãy chọn tệp PDF của văn bản đã ký.", field="file")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    filetypes.check_size(size)
    if files.sniff(upload, accept=(files.PDF,)) is None:
        raise DomainError(
            E.FILE_NOT_PDF,
            "Bản lưu phải là tệp PDF (hệ thống kiểm tra theo nội dung tệp, không theo tên).",
            field="file",
        )
    digest = filetypes.sha256_of(upload)
    upload.seek(0)
    text = textextract.extract_text(upload, content_type=files.PDF.content_type)
    upload.seek(0)
    original = nfc(str(getattr(upload, "name", "") or "van-ban.pdf")).rsplit("/", 1)[-1]
    doc = OutgoingDocument.objects.filter(pk=document_id, school_id=actor.school_id).first()
    if doc is None or not policies.can_view_outgoing(actor, doc):
        raise DomainError(E.NOT_ALLOWED, "Không tìm thấy văn bản.")
    # Store before the transaction (a large copy must not hold the row lock); removed on failure.
    doc.file_sha256 = digest
    doc.file.save(original, File(upload, name=original), save=False)
    stored = doc.file.name
    try:
        with transaction.atomic():
            locked = _locked(actor, document_id)
            if locked.state == "issued":
                raise DomainError(E.BAD_STATE, "Văn bản đã phát hành: không thay bản lưu.")
            old = locked.file_sha256
            locked.file = stored
            locked.file_name, locked.file_size, locked.file_sha256 = original[:255], size, digest
            locked.text, locked.text_folded = text, fold(text)
            locked.save()
            audit_record(
                event_type="correspondence.outgoing_file_kept",
                actor=actor.user,
                school_id=locked.school_id,
                target=locked,
                before={"sha256": old},
                after={"sha256": digest, "name": original, "size": size},
            )
    except BaseException:
        doc.file.storage.delete(stored)
        raise
    return locked


def outgoing_issue(*, actor: Actor, document_id: int) -> OutgoingDocument:
    """The clerk applies the organisation's signature to a numbered document signed by the
    competent person (Đ33) and issues it. The file copy must be kept first.

    The organisation's signature is recorded (who, when, over which file hash); a PAdES
    signature embedded in the uploaded PDF is not applied yet (docs/CORRESPONDENCE.md)."""
    policies.check(
        policies.can_keep_office(actor),
        "Chỉ Văn thư ký số của cơ quan và phát hành văn bản.",
    )
    now = clock.now()
    with transaction.atomic():
        doc = _locked(actor, document_id)
        before = _snapshot(doc)
        if doc.signer_id is None:
            raise DomainError(E.BAD_STATE, "Văn bản chưa có chữ ký của người có thẩm quyền.")
        _move(doc, "issue", "Chỉ phát hành văn bản đã cấp số và chưa phát hành.")
        if not doc.file:
            raise DomainError(
                E.NO_FILE, "Hãy lưu bản PDF đã ký của văn bản trước khi phát hành.", field="file"
            )
        doc.org_signed_by, doc.org_signed_at = actor.user, now
        doc.issued_by, doc.issued_at = actor.user, now
        doc.save()
        audit_record(
            event_type="correspondence.outgoing_issued",
            actor=actor.user,
            school_id=doc.school_id,
            target=doc,
            before=before,
            after={
                **_snapshot(doc),
                "org_signed_by": str(actor.user),
                "sha256": doc.file_sha256,
                "late": clock.local_now().date() > doc.issue_due if doc.issue_due else False,
            },
        )
    return doc


def is_confidential_register(register: str) -> bool:
    return register in CONFIDENTIAL_REGISTERS


# --- incoming (văn bản đến) -------------------------------------------------------------------


def _incoming_snapshot(doc: IncomingDocument) -> dict:
    return {
        "state": doc.state,
        "number": doc.number,
        "year": doc.year,
        "deadline": doc.deadline.isoformat() if doc.deadline else None,
        "reply": doc.reply_id,
    }


def _stored_upload(upload) -> tuple[files.FileKind, int, str, str, str]:
    """Check an incoming file (records' types and limit, sniffed); its kind, size, hash, name
    and extracted text."""
    if upload is None:
        raise DomainError(
            E.NO_FILE, "Hãy chọn tệp văn bản đến (bản quét hoặc tệp nhận được).", field="file"
        )
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    filetypes.check_size(size)
    kind = filetypes.sniff(upload)
    digest = filetypes.sha256_of(upload)
    text = textextract.extract_text(upload, content_type=kind.content_type)
    upload.seek(0)
    original = nfc(str(getattr(upload, "name", "") or f"van-ban-den.{kind.ext}")).rsplit("/", 1)
    return kind, size, digest, original[-1][:255], text


def incoming_register(
    *,
    actor: Actor,
    author: str,
    type_name: str,
    summary: str,
    upload,
    their_symbol: str = "",
    their_date=None,
    urgency: str = Urgency.NORMAL,
    medium: str = Medium.ELECTRONIC,
    confidential: bool = False,
) -> IncomingDocument:
    """The clerk registers a received document with the next "số đến" of the year (one series
    for paper and electronic, Đ22); it must be presented the same day when urgent, otherwise at
    the latest the next working day (Đ23)."""
    policies.check(policies.can_keep_office(actor), "Chỉ Văn thư đăng ký văn bản đến.")
    author = _required(author, 300, what="Tác giả (cơ quan ban hành)", field="author")
    type_name = _required(type_name, 100, what="Tên loại văn bản", field="type_name")
    summary = _required(summary, 500, what="Trích yếu nội dung", field="summary")
    their_symbol = bounded(nfc(their_symbol).strip(), 60, what="Số, ký hiệu", field="their_symbol")
    if urgency not in Urgency.values:
        raise DomainError(E.REQUIRED, "Hãy chọn độ khẩn.", field="urgency")
    if medium not in Medium.values:
        raise DomainError(E.REQUIRED, "Hãy chọn hình thức văn bản.", field="medium")
    today = clock.today()
    if their_date is not None and their_date > today:
        raise DomainError(
            E.BAD_DATE, "Ngày của văn bản không thể sau ngày đến.", field="their_date"
        )
    kind, size, digest, original, text = _stored_upload(upload)
    register = Register.INCOMING_CONFIDENTIAL if confidential else Register.INCOMING
    present_due = (
        today if urgency != Urgency.NORMAL else add_working_days(actor.school_id, today, 1)
    )
    doc = IncomingDocument(
        school=actor.school,
        register=register,
        received_on=today,
        medium=medium,
        author=author,
        their_symbol=their_symbol,
        their_date=their_date,
        type_name=type_name,
        summary=summary,
        summary_folded=" ".join([fold(summary), fold(author), fold(their_symbol)])[:1000],
        urgency=urgency,
        registered_by=actor.user,
        registered_at=clock.now(),
        present_due=present_due,
        file_name=original,
        file_size=size,
        file_sha256=digest,
        content_type=kind.content_type,
        text=text,
        text_folded=fold(text),
    )
    doc.file.save(original, File(upload, name=original), save=False)
    try:
        with transaction.atomic():
            doc.year = today.year
            doc.number = numbering.number_take(
                school_id=actor.school_id, register=register, year=today.year
            )
            doc.save()
            audit_record(
                event_type="correspondence.incoming_registered",
                actor=actor.user,
                school_id=actor.school_id,
                target=doc,
                after={
                    **_incoming_snapshot(doc),
                    "author": author,
                    "their_symbol": their_symbol,
                    "urgency": urgency,
                    "sha256": digest,
                },
            )
    except BaseException:
        doc.file.storage.delete(doc.file.name)
        raise
    return doc


def _incoming_locked(actor: Actor, document_id: int) -> IncomingDocument:
    doc = (
        IncomingDocument.objects.select_for_update()
        .filter(pk=document_id, school_id=actor.school_id)
        .first()
    )
    if doc is None or not policies.can_view_incoming(actor, doc):
        raise DomainError(E.NOT_ALLOWED, "Không tìm thấy văn bản.")
    return doc


def _incoming_move(doc: IncomingDocument, action: str, message: str) -> None:
    target = incoming_next_state(doc.state, action)
    if target is None:
        raise DomainError(E.BAD_STATE, message)
    doc.state = target


def incoming_present(*, actor: Actor, document_id: int) -> IncomingDocument:
    """The clerk presents the registered document to the principal (trình)."""
    policies.check(policies.can_keep_office(actor), "Chỉ Văn thư trình văn bản đến.")
    with transaction.atomic():
        doc = _incoming_locked(actor, document_id)
        before = _incoming_snapshot(doc)
        _incoming_move(doc, "present", "Văn bản đã được trình.")
        doc.presented_at = clock.now()
        doc.save()
        audit_record(
            event_type="correspondence.incoming_presented",
            actor=actor.user,
            school_id=doc.school_id,
            target=doc,
            before=before,
            after={**_incoming_snapshot(doc), "late": clock.today() > doc.present_due},
        )
    return doc


def incoming_direct(
    *,
    actor: Actor,
    document_id: int,
    lead_user_id: int,
    support_user_ids: list[int] | tuple = (),
    deadline=None,
    directive: str = "",
) -> IncomingDocument:
    """The principal writes the directive, names the lead (chủ trì) and the supporting people
    (phối hợp) and sets the deadline; the people are notified after commit."""
    from hoso.accounts.models import User

    policies.check(policies.can_direct(actor), "Chỉ Hiệu trưởng cho ý kiến chỉ đạo.")
    directive = _required(directive, 2000, what="Ý kiến chỉ đạo", field="directive")
    staff_users = User.objects.filter(staff_profiles__school=actor.school, is_active=True)
    lead = staff_users.filter(pk=lead_user_id).first()
    if lead is None:
        raise DomainError(E.REQUIRED, "Hãy chọn người chủ trì giải quyết.", field="lead")
    supports = list(
        staff_users.filter(pk__in=[i for i in support_user_ids if i != lead.pk]).distinct()
    )
    today = clock.today()
    if deadline is not None and deadline < today:
        raise DomainError(
            E.BAD_DATE, "Thời hạn giải quyết không thể trước hôm nay.", field="deadline"
        )
    with transaction.atomic():
        doc = _incoming_locked(actor, document_id)
        before = _incoming_snapshot(doc)
        _incoming_move(doc, "direct", "Văn bản đã có ý kiến chỉ đạo.")
        doc.directed_by, doc.directed_at = actor.user, clock.now()
        doc.directive, doc.deadline = directive, deadline
        if doc.presented_at is None:
            doc.presented_at = doc.directed_at
        doc.save()
        IncomingAssignee.objects.create(document=doc, user=lead, role=AssigneeRole.LEAD)
        IncomingAssignee.objects.bulk_create(
            IncomingAssignee(document=doc, user=u, role=AssigneeRole.SUPPORT) for u in supports
        )
        audit_record(
            event_type="correspondence.incoming_directed",
            actor=actor.user,
            school_id=doc.school_id,
            target=doc,
            before=before,
            after={
                **_incoming_snapshot(doc),
                "lead": str(lead),
                "support": [str(u) for u in supports],
                "directive": directive,
            },
            acting_as=actor.acting_as_for(Role.PRINCIPAL),
        )
        recipients = [lead, *supports]
        school, pk, number = actor.school, doc.pk, doc.number
        transaction.on_commit(lambda: _notify_routed(school, pk, number, recipients))
    return doc


def _notify_routed(school, document_id: int, number: int, users) -> None:
    from django.urls import reverse

    from hoso.notifications.actions import notify

    url = reverse("correspondence:incoming_detail", args=[document_id])
    for user in users:
        notify(
            user=user,
            school=school,
            kind="correspondence.routed",
            text=f"Văn bản đến số {number} được chuyển đến thầy/cô: hãy ký nhận và giải quyết.",
            dedupe_key=f"correspondence.routed:{document_id}",
            url=url,
        )


def incoming_acknowledge(*, actor: Actor, document_id: int) -> IncomingDocument:
    """The person routed to signs for the document (ký nhận)."""
    with transaction.atomic():
        doc = _incoming_locked(actor, document_id)
        mine = doc.assignees.select_for_update().filter(user=actor.user).first()
        if mine is None:
            raise PermissionDeniedError(E.NOT_ALLOWED, "Chỉ người được chuyển văn bản mới ký nhận.")
        if mine.acknowledged_at is not None:
            return doc
        mine.acknowledged_at = clock.now()
        mine.save(update_fields=["acknowledged_at"])
        audit_record(
            event_type="correspondence.incoming_acknowledged",
            actor=actor.user,
            school_id=doc.school_id,
            target=doc,
            after={"role": mine.role},
        )
    return doc


def incoming_progress_add(*, actor: Actor, document_id: int, text: str) -> IncomingProgress:
    """The lead or a supporting person records the progress of the handling."""
    text = _required(text, 1000, what="Tiến độ giải quyết", field="progress")
    with transaction.atomic():
        doc = _incoming_locked(actor, document_id)
        if not doc.assignees.filter(user=actor.user).exists():
            raise PermissionDeniedError(
                E.NOT_ALLOWED, "Chỉ người chủ trì, phối hợp cập nhật tiến độ."
            )
        if doc.state != IncomingState.DIRECTED:
            raise DomainError(E.BAD_STATE, "Văn bản không ở trạng thái đang giải quyết.")
        note = IncomingProgress.objects.create(
            document=doc, author=actor.user, at=clock.now(), text=text
        )
        audit_record(
            event_type="correspondence.incoming_progress",
            actor=actor.user,
            school_id=doc.school_id,
            target=doc,
            after={"text": text},
        )
    return note


def _may_close(actor: Actor, doc: IncomingDocument) -> bool:
    return (
        actor.has(Role.PRINCIPAL)
        or doc.assignees.filter(user=actor.user, role=AssigneeRole.LEAD).exists()
    )


def incoming_reply_link(*, actor: Actor, document_id: int, outgoing_id: int) -> IncomingDocument:
    """Link the reply (an outgoing document of the school, numbered) to the incoming one."""
    with transaction.atomic():
        doc = _incoming_locked(actor, document_id)
        if not (_may_close(actor, doc) or policies.can_keep_office(actor)):
            raise PermissionDeniedError(
                E.NOT_ALLOWED, "Chỉ người chủ trì, Hiệu trưởng hoặc Văn thư ghi văn bản trả lời."
            )
        reply = OutgoingDocument.objects.filter(
            pk=outgoing_id, school_id=doc.school_id, number__isnull=False
        ).first()
        if reply is None or not policies.can_view_outgoing(actor, reply):
            raise DomainError(
                E.REQUIRED, "Hãy chọn văn bản trả lời đã có số của trường.", field="reply"
            )
        before = _incoming_snapshot(doc)
        doc.reply = reply
        doc.save(update_fields=["reply"])
        audit_record(
            event_type="correspondence.incoming_reply_linked",
            actor=actor.user,
            school_id=doc.school_id,
            target=doc,
            before=before,
            after={**_incoming_snapshot(doc), "reply_symbol": reply.symbol},
        )
    return doc


def incoming_done(*, actor: Actor, document_id: int) -> IncomingDocument:
    """The lead (or the principal) closes the handling."""
    with transaction.atomic():
        doc = _incoming_locked(actor, document_id)
        if not _may_close(actor, doc):
            raise PermissionDeniedError(
                E.NOT_ALLOWED, "Chỉ người chủ trì hoặc Hiệu trưởng kết thúc việc giải quyết."
            )
        before = _incoming_snapshot(doc)
        _incoming_move(doc, "done", "Chỉ kết thúc văn bản đang giải quyết.")
        doc.done_at, doc.done_by = clock.now(), actor.user
        doc.save()
        audit_record(
            event_type="correspondence.incoming_done",
            actor=actor.user,
            school_id=doc.school_id,
            target=doc,
            before=before,
            after={
                **_incoming_snapshot(doc),
                "late": bool(doc.deadline and clock.today() > doc.deadline),
            },
        )
    return doc
