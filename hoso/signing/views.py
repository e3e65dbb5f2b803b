"""Screens: my signing credentials, the school seal, documents to sign, signature check.

Thin doors: parse → access_* (404) / policy (403) → action/selector → render. Bad input keeps what
the user typed (passwords and PINs are never echoed back).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import return_on_error
from hoso.accounts.policies import log_denied
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import nfc
from hoso.signing import selectors
from hoso.signing.actions import (
    audit_anchor_seal,
    credential_add_p12,
    credential_deactivate,
    credential_register_pkcs11,
    trust_root_add,
)
from hoso.signing.books import (
    class_book_spec,
    correction_minute_spec,
    grade_sheet_spec,
    record_spec,
    spec_for_document,
)
from hoso.signing.documents import document_pdf, document_prepare, document_sign
from hoso.signing.errors import SigningErrorCode
from hoso.signing.models import DocumentState, SignatureEvent
from hoso.signing.policies import (
    access_credential,
    access_document,
    can_have_credentials,
    can_manage_seal,
    can_manage_trust,
)
from hoso.signing.services import allowed_pkcs11_libraries, validate_pdf

MAX_VERIFY_BYTES = 20 * 1024 * 1024


def _require(actor, allowed: bool, what: str) -> None:
    if not allowed:
        log_denied(actor, kind="forbidden", what=what)
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")


# ------------------------------------------------------------------------------ credentials


def _credentials_page(request, *, seal: bool, error=None, values=None, status=200):
    actor = request.actor
    creds = selectors.seal_credentials(actor) if seal else selectors.my_credentials(actor)
    return render(
        request,
        "signing/credentials.html",
        {
            "seal": seal,
            "credentials": creds,
            "libraries": allowed_pkcs11_libraries(),
            "error": error,
            "values": values or {},
            "can_manage_seal": can_manage_seal(actor),
            "can_manage_trust": seal and can_manage_trust(actor),
            "trust_roots": selectors.trust_roots_of(actor) if seal else [],
        },
        status=status,
    )


@login_required
def credentials(request):
    _require(request.actor, can_have_credentials(request.actor), "chữ ký số của tôi")
    return _credentials_page(request, seal=False)


@login_required
@require_POST
def trust_root_add_view(request):
    actor = request.actor
    _require(actor, can_manage_trust(actor), "thêm chứng thư số gốc tin cậy")
    values = {"form": "trust", "trust_name": nfc(request.POST.get("name", "")).strip()}
    values["trust_pem"] = request.POST.get("certificate", "")
    try:
        root = trust_root_add(
            certificate_pem=values["trust_pem"],
            name=values["trust_name"],
            school=actor.school,
            acting_user=request.user,
        )
    except DomainError as exc:
        return _credentials_page(request, seal=True, error=exc, values=values, status=400)
    messages.success(request, f"Nhà trường tin cậy chứng thư số gốc “{root.name}”.")
    return redirect("signing:seal")


@login_required
def seal(request):
    _require(request.actor, can_manage_seal(request.actor), "chữ ký số của đơn vị")
    return _credentials_page(request, seal=True)


@login_required
@require_POST
def audit_anchor_seal_view(request):
    """Ký mốc nhật ký: the school's audit chain head, anchored outside the database and signed
    with the school's seal (docs/SECURITY.md)."""
    actor = request.actor
    _require(actor, can_manage_seal(actor), "ký mốc nhật ký truy vết")
    try:
        anchor = audit_anchor_seal(actor=actor, secret=request.POST.get("secret", ""))
    except DomainError as exc:
        values = {"form": "anchor"}
        return _credentials_page(request, seal=True, error=exc, values=values, status=400)
    messages.success(
        request,
        f"Đã neo nhật ký truy vết đến sự kiện #{anchor.seq}, ký bởi “{anchor.sealed_by}”.",
    )
    return redirect("signing:seal")


def _owner(request, seal: bool):
    actor = request.actor
    if seal:
        _require(actor, can_manage_seal(actor), "thêm chữ ký số của đơn vị")
        return None
    _require(actor, can_have_credentials(actor), "thêm chữ ký số")
    return actor.user


def _back(seal: bool):
    return redirect("signing:seal" if seal else "signing:credentials")


@login_required
@require_POST
def credential_upload(request):
    seal = request.POST.get("seal") == "1"
    owner = _owner(request, seal)
    values = {"label": nfc(request.POST.get("label", "")).strip(), "form": "p12"}
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError(
                SigningErrorCode.BAD_INPUT, "Hãy chọn tệp chứng thư số (.p12/.pfx).", field="file"
            )
        if upload.size > 64 * 1024:
            raise DomainError(
                SigningErrorCode.NOT_PKCS12,
                "Tệp chứng thư số quá lớn (tối đa 64 KB).",
                field="file",
            )
        cred = credential_add_p12(
            school=request.actor.school,
            owner=owner,
            data=upload.read(),
            password=request.POST.get("password", ""),
            label=values["label"],
            acting_user=request.user,
        )
    except DomainError as exc:
        return _credentials_page(request, seal=seal, error=exc, values=values, status=400)
    messages.success(
        request,
        f"Đã thêm chữ ký số “{cred.subject_cn}” (hiệu lực đến "
        f"{cred.not_after:%d/%m/%Y}). Khoá được lưu đã mã hoá.",
    )
    return _back(seal)


@login_required
@require_POST
def credential_pkcs11(request):
    seal = request.POST.get("seal") == "1"
    owner = _owner(request, seal)
    values = {
        "form": "pkcs11",
        "library": request.POST.get("library", ""),
        "token_label": nfc(request.POST.get("token_label", "")),
        "key_label": nfc(request.POST.get("key_label", "")),
        "label": nfc(request.POST.get("label", "")).strip(),
        "certificate": request.POST.get("certificate", ""),
    }
    try:
        cred = credential_register_pkcs11(
            school=request.actor.school,
            owner=owner,
            library=values["library"],
            token_label=values["token_label"],
            key_label=values["key_label"],
            pin=request.POST.get("pin", ""),
            certificate_pem=values["certificate"],
            label=values["label"],
            acting_user=request.user,
        )
    except DomainError as exc:
        return _credentials_page(request, seal=seal, error=exc, values=values, status=400)
    messages.success(request, f"Đã đăng ký thiết bị ký “{cred.subject_cn}”.")
    return _back(seal)


@login_required
@require_POST
def credential_deactivate_view(request, credential_id: int):
    cred = access_credential(request.actor, credential_id)
    credential_deactivate(credential=cred, acting_user=request.user)
    messages.success(request, f"Đã vô hiệu hoá chữ ký số “{cred.subject_cn}”.")
    return _back(cred.user_id is None)


# ------------------------------------------------------------------------------ documents


@login_required
def documents(request):
    actor = request.actor
    if actor.school is None:
        raise Http404("Không tìm thấy.")
    return render(
        request,
        "signing/documents.html",
        {
            "awaiting": selectors.documents_awaiting(actor),
            "ready": selectors.ready_books(actor),
            "recent": selectors.documents_visible(actor, limit=50),
        },
    )


def _document_page(request, doc, *, error=None, status=200):
    actor = request.actor
    report = validate_pdf(document_pdf(doc), school=actor.school) if doc.next_index else None
    events = {e.index: e for e in SignatureEvent.objects.filter(document=doc)}
    signers = [
        {**s, "index": i, "event": events.get(i), "done": i < doc.next_index}
        for i, s in enumerate(doc.signers)
    ]
    nxt = doc.next_signer
    data_status = "current"
    if doc.state != DocumentState.SUPERSEDED:
        try:
            if spec_for_document(doc).data_hash != doc.data_hash:
                data_status = "changed"
        except DomainError as exc:
            data_status = "unconfirmed" if exc.code == SigningErrorCode.NOT_READY else "current"
    return render(
        request,
        "signing/document.html",
        {
            "data_status": data_status,
            "doc": doc,
            "signers": signers,
            "report": report,
            "versions": selectors.versions_of(doc),
            "my_turn": bool(nxt and nxt.get("user_id") == actor.user.pk),
            "next_signer": nxt,
            "error": error,
        },
        status=status,
    )


@login_required
def document_detail(request, document_id: int):
    return _document_page(request, access_document(request.actor, document_id))


@login_required
def document_file(request, document_id: int):
    doc = access_document(request.actor, document_id)
    response = HttpResponse(document_pdf(doc), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="van-ban-{doc.pk}-v{doc.version}.pdf"'
    return response


@login_required
@require_POST
def document_sign_view(request, document_id: int):
    actor = request.actor
    doc = access_document(actor, document_id)
    try:
        if doc.state == DocumentState.SUPERSEDED:
            raise DomainError(
                SigningErrorCode.SUPERSEDED, "Văn bản này đã được thay thế bằng phiên bản mới."
            )
        spec = spec_for_document(doc)
        doc = document_sign(
            actor=actor, document=doc, secret=request.POST.get("secret", ""), spec=spec
        )
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        doc.refresh_from_db()
        if exc.code == SigningErrorCode.SUPERSEDED and doc.superseded_by_id:
            messages.warning(request, exc.message)
            return redirect("signing:document", document_id=doc.superseded_by_id)
        return _document_page(request, doc, error=exc, status=400)
    messages.success(
        request,
        "Đã ký số văn bản."
        if doc.state == DocumentState.SIGNED
        else "Đã ký; chờ người ký tiếp theo.",
    )
    return redirect("signing:document", document_id=doc.pk)


@login_required
@require_POST
def document_refresh(request, document_id: int):
    """Draft the next version of a document whose data changed (the old one is kept)."""
    actor = request.actor
    doc = access_document(actor, document_id)
    is_signer = any(s.get("user_id") == actor.user.pk for s in doc.signers)
    _require(actor, is_signer or actor.is_leader, f"lập lại văn bản ký số #{doc.pk}")
    if doc.state == DocumentState.SUPERSEDED and doc.superseded_by_id:
        return redirect("signing:document", document_id=doc.superseded_by_id)
    return _prepare(request, lambda: spec_for_document(doc))


def _prepare(request, build):
    return_on_error(request, reverse("signing:documents"), refusals=True)
    doc = document_prepare(spec=build(), acting_user=request.user)
    return redirect("signing:document", document_id=doc.pk)


@login_required
@require_POST
def prepare_sheet(request, class_id: int, subject_id: int, term_id: int):
    from hoso.gradebook.entry.policies import access_sheet, is_assigned_teacher

    actor = request.actor
    school_class, subject, term = access_sheet(actor, class_id, subject_id, term_id)
    if not is_assigned_teacher(actor, school_class, subject, term):
        raise PermissionDeniedError(
            SigningErrorCode.NOT_A_SIGNER,
            "Chỉ giáo viên được phân công dạy môn này ở lớp này mới lập bảng điểm để ký.",
        )
    return _prepare(request, lambda: grade_sheet_spec(school_class, subject, term))


@login_required
@require_POST
def prepare_class_book(request, class_id: int, term_id: int):
    from hoso.organisation.models import Term
    from hoso.organisation.policies import access_class

    actor = request.actor
    school_class = access_class(actor, class_id)
    term = Term.objects.filter(pk=term_id, year=school_class.year).first()
    if term is None:
        raise Http404("Không tìm thấy.")
    if school_class.pk not in actor.homeroom_class_ids:
        raise PermissionDeniedError(
            SigningErrorCode.NOT_A_SIGNER, "Chỉ giáo viên chủ nhiệm của lớp mới lập sổ để ký."
        )
    return _prepare(request, lambda: class_book_spec(school_class, term))


@login_required
@require_POST
def prepare_minute(request, correction_id: int):
    from hoso.gradebook.corrections.policies import access_correction, is_party

    actor = request.actor
    correction = access_correction(actor, correction_id)
    if not is_party(actor, correction):
        raise PermissionDeniedError(
            SigningErrorCode.NOT_A_SIGNER, "Chỉ các bên của biên bản mới lập biên bản để ký."
        )
    return _prepare(request, lambda: correction_minute_spec(correction))


@login_required
@require_POST
def prepare_record(request, obligation_id: int):
    from hoso.records.policies import access_obligation

    actor = request.actor
    obligation = access_obligation(actor, obligation_id)
    return_on_error(request, reverse("signing:documents"))
    spec = record_spec(obligation)
    if actor.user.pk not in {s.user_id for s in spec.signers}:
        raise PermissionDeniedError(
            SigningErrorCode.NOT_A_SIGNER, "Chỉ người lập và người duyệt hồ sơ mới đưa hồ sơ ký số."
        )
    return _prepare(request, lambda: spec)


# ------------------------------------------------------------------------------ check a PDF


@login_required
def verify(request):
    actor = request.actor
    if actor.school is None:
        raise Http404("Không tìm thấy.")
    report, error, name = None, None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Hãy chọn tệp PDF cần kiểm tra."
        elif upload.size > MAX_VERIFY_BYTES:
            error = "Tệp quá lớn (tối đa 20 MB)."
        else:
            name = upload.name
            report = validate_pdf(upload.read(), school=actor.school)
            if report.error:
                error, report = report.error, None
            elif not report.signatures:
                error, report = "Tệp PDF này không có chữ ký số.", None
    return render(
        request,
        "signing/verify.html",
        {"report": report, "error": error, "name": name},
        status=400 if error else 200,
    )
