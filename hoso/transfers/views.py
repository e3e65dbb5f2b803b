"""Pages of transfers (chuyển trường): parse → access → action → render. No write on GET."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import errors_return_to
from hoso.accounts.policies import not_found
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.organisation.models import Gender, SchoolClass
from hoso.students.models import Student
from hoso.students.policies import access_student
from hoso.transfers import actions, policies, rules, selectors
from hoso.transfers.models import PriorRecord, Transfer

DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


class OutForm(forms.Form):
    student_code = forms.CharField(label="Mã học sinh", max_length=20)
    filed_on = forms.DateField(label="Ngày nhận đơn", widget=DATE)
    leaving_on = forms.DateField(label="Ngày chuyển đi", widget=DATE)
    other_school_name = forms.CharField(label="Trường chuyển đến", max_length=200)
    other_school_code = forms.CharField(label="Mã trường chuyển đến", max_length=20, required=False)
    other_province = forms.CharField(label="Tỉnh/thành phố", max_length=80, required=False)
    reason = forms.CharField(label="Lý do", max_length=500, required=False)


class InForm(forms.Form):
    student_code = forms.CharField(label="Mã học sinh (mã định danh của ngành)", max_length=20)
    personal_id = forms.CharField(label="Mã định danh cá nhân", max_length=12, required=False)
    family_name = forms.CharField(label="Họ", max_length=60)
    middle_name = forms.CharField(label="Tên đệm", max_length=60, required=False)
    given_name = forms.CharField(label="Tên", max_length=40)
    gender = forms.ChoiceField(label="Giới tính", choices=Gender.choices)
    birth_date = forms.DateField(label="Ngày sinh", widget=DATE)
    grade = forms.IntegerField(label="Vào khối lớp", min_value=1, max_value=12)
    other_school_name = forms.CharField(label="Trường chuyển đi", max_length=200)
    other_school_code = forms.CharField(label="Mã trường chuyển đi", max_length=20, required=False)
    other_province = forms.CharField(label="Tỉnh/thành phố của trường đi", max_length=80,
                                     required=False)  # fmt: skip
    filed_on = forms.DateField(label="Ngày nhận đơn", widget=DATE)
    reason = forms.CharField(label="Lý do", max_length=500, required=False)


def _form_error(form: forms.Form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@login_required
def index(request):
    actor = request.actor
    if not policies.can_view(actor):
        raise not_found(actor, "chuyển trường")
    direction = request.GET.get("huong", "")
    return render(
        request,
        "transfers/index.html",
        {
            "rows": selectors.transfer_rows(actor, direction=direction),
            "direction": direction,
            "can_manage": policies.can_manage(actor),
            "can_decide": policies.can_decide(actor),
            "settings_row": actions.settings_for(actor.school),
            "procedure": rules.procedure_for((actor.school.levels or ["lower_secondary"])[0]),
            "referral_authority": rules.referral_authority(actor.school),
        },
    )


@login_required
def create_out(request):
    actor = request.actor
    policies.require_manage(actor, "ghi nhận chuyển đi")
    today = clock.today()
    form = OutForm(request.POST or None, initial={"filed_on": today, "leaving_on": today})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        student = Student.objects.filter(
            school=actor.school, student_code=d["student_code"].strip()
        ).first()
        if student is None:
            form.add_error("student_code", "Không có học sinh nào của trường với mã này.")
        else:
            try:
                transfer = actions.transfer_out_create(
                    actor=actor,
                    student=student,
                    filed_on=d["filed_on"],
                    leaving_on=d["leaving_on"],
                    other_school_name=d["other_school_name"],
                    other_school_code=d["other_school_code"],
                    other_province=d["other_province"],
                    reason=d["reason"],
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "Đã ghi nhận đơn chuyển đi.")
                return redirect("transfers:detail", transfer_id=transfer.pk)
    return render(request, "transfers/create.html", {"form": form, "direction": "out"})


@login_required
def create_in(request):
    actor = request.actor
    policies.require_manage(actor, "ghi nhận chuyển đến")
    procedure = rules.procedure_for((actor.school.levels or ["lower_secondary"])[0])
    form = InForm(request.POST or None, initial={"filed_on": clock.today()})
    ticked = request.POST.getlist("documents") if request.method == "POST" else []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            transfer = actions.transfer_in_create(actor=actor, documents=ticked, **d)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "Đã ghi nhận hồ sơ chuyển đến.")
            return redirect("transfers:detail", transfer_id=transfer.pk)
    return render(
        request,
        "transfers/create.html",
        {
            "form": form,
            "direction": "in",
            "documents": [
                {
                    "code": d.code,
                    "label": d.label,
                    "required": d.required,
                    "other_province_only": d.other_province_only,
                    "ticked": d.code in ticked,
                }
                for d in procedure.documents
            ],  # fmt: skip
        },
    )


def _classes_for(transfer: Transfer, actor):
    return (
        SchoolClass.objects.filter(year=actor.year, grade__number=transfer.grade)
        .select_related("grade")
        .order_by("name")
        if actor.year
        else SchoolClass.objects.none()
    )


@login_required
def detail(request, transfer_id: int):
    actor = request.actor
    transfer = policies.access_transfer(actor, transfer_id)
    return render(
        request,
        "transfers/detail.html",
        {
            "t": transfer,
            "steps": selectors.steps_of(transfer),
            "documents": selectors.documents_of(transfer),
            "missing": actions.missing_documents(transfer) if transfer.direction == "in" else [],
            "records": selectors.prior_records(transfer),
            "events": transfer.events.select_related("actor"),
            "can_manage": policies.can_manage(actor),
            "can_decide": policies.can_decide(actor),
            "classes": _classes_for(transfer, actor) if transfer.state == "accepted" else [],
            "today": clock.today(),
            "procedure": rules.procedure_for(transfer.procedure),
            "max_mb": actions.MAX_UPLOAD_MB,
            "typed_decision": request.GET.get("quyet_dinh", ""),
            "typed_reason": request.GET.get("ly_do", "")[:500],
        },
    )


@login_required
@require_POST
@errors_return_to("transfers:detail", "transfer_id", refusals=True)
def act(request, transfer_id: int, what: str):
    actor = request.actor
    transfer = policies.access_transfer(actor, transfer_id)
    post = request.POST
    if what == "roi-truong":
        actions.transfer_out_leave(actor=actor, transfer=transfer)
        done = "Học sinh đã thôi học tại trường (chuyển đi); học bạ năm học được lập để ký."
    elif what == "ban-giao":
        actions.transfer_out_handover(actor=actor, transfer=transfer)
        done = "Đã bàn giao hồ sơ; tải học bạ số đã ký để gửi."
    elif what == "ho-so":
        actions.transfer_documents_set(
            actor=actor, transfer=transfer, documents=post.getlist("documents")
        )
        done = "Đã lưu hồ sơ đã nhận."
    elif what == "quyet-dinh":
        accept = post.get("decision") == "accept"
        try:
            if post.get("decision") not in ("accept", "refuse"):
                raise DomainError("transfer_missing_field", "Hãy chọn đồng ý hoặc từ chối.")
            actions.transfer_decide(
                actor=actor, transfer=transfer, accept=accept, reason=post.get("reason", "")
            )
        except DomainError as exc:  # back to the form with what was typed
            messages.error(request, exc.message)
            url = reverse("transfers:detail", kwargs={"transfer_id": transfer.pk})
            query = urlencode({"quyet_dinh": post.get("decision", ""),
                               "ly_do": post.get("reason", "")[:500]})  # fmt: skip
            return redirect(f"{url}?{query}#decide-form")
        done = "Đã ghi quyết định của hiệu trưởng."
    elif what == "xep-lop":
        school_class = _classes_for(transfer, actor).filter(pk=post.get("class") or 0).first()
        if school_class is None:
            raise DomainError("transfer_bad_class", "Hãy chọn một lớp của khối.")
        try:
            start = forms.DateField().clean(post.get("start_date"))
        except forms.ValidationError:
            raise DomainError("transfer_bad_date", "Ngày vào học không hợp lệ.") from None
        actions.transfer_place(
            actor=actor, transfer=transfer, school_class=school_class, start_date=start
        )
        done = f"Đã xếp vào lớp {school_class.name}."
    elif what == "hoc-ba":
        record = actions.transfer_import_transcript(
            actor=actor,
            transfer=transfer,
            upload=request.FILES.get("pdf"),
            ip=request.META.get("REMOTE_ADDR"),
        )
        done = f"Đã xác thực và nhập học bạ năm học {record.year_name} (lớp {record.class_name})."
    else:
        raise Http404
    messages.success(request, done)
    return redirect("transfers:detail", transfer_id=transfer.pk)


@login_required
@require_POST
@errors_return_to("transfers:index", refusals=True)
def update_settings(request):
    actor = request.actor
    try:
        values = {
            k: int(request.POST.get(k, ""))
            for k in ("decision_days", "decision_days_other_province", "handover_days")
        }
    except ValueError:
        raise DomainError("transfer_bad_date", "Số ngày làm việc phải là số nguyên.") from None
    actions.transfer_settings_update(actor=actor, **values)
    messages.success(request, "Đã lưu thiết lập chuyển trường.")
    return redirect("transfers:index")


def _pdf(name: str, blob: bytes) -> HttpResponse:
    response = HttpResponse(blob, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def transcript_pdf(request, transfer_id: int):
    """The signed transcript handed over (transfer out) — the file the parent / receiving
    school gets."""
    actor = request.actor
    transfer = policies.access_transfer(actor, transfer_id)
    if transfer.transcript is None or transfer.state != Transfer.State.COMPLETED:
        raise not_found(actor, f"học bạ của hồ sơ chuyển trường #{transfer_id}")
    return _pdf(*actions.transfer_pdf_download(actor=actor, transfer=transfer))


@login_required
def prior_pdf(request, transfer_id: int, record_id: int):
    actor = request.actor
    transfer = policies.access_transfer(actor, transfer_id)
    record = PriorRecord.objects.filter(pk=record_id, transfer=transfer).first()
    if record is None:
        raise not_found(actor, f"học bạ đã nhập #{record_id}")
    return _pdf(*actions.transfer_pdf_download(actor=actor, transfer=transfer, record=record))


@login_required
def student_history(request, student_id: int):
    """A student's transfers and years at other schools."""
    actor = request.actor
    student = access_student(actor, student_id)
    if not policies.can_view(actor):
        raise not_found(actor, f"chuyển trường của học sinh #{student_id}")
    return render(
        request,
        "transfers/student.html",
        {
            "student": student,
            "transfers": policies.visible_transfers(actor).filter(student=student),
            "records": selectors.student_prior_records(student),
            "enrolments": student.enrolments.select_related("school_class", "year").order_by(
                "start_date"
            ),
            "back": reverse("students:detail", args=[student.pk]),
        },
    )
