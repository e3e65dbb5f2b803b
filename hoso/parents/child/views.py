"""The child's page doors: parse → access → selector → audit line → render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hoso.accounts.policies import not_found
from hoso.core.errors import DomainError
from hoso.parents.child import actions, policies, selectors
from hoso.parents.child.models import PublicationSettings


@login_required
def children(request):
    """Con của tôi: the chooser (straight to the child's page when there is only one)."""
    actor = request.actor
    entries = selectors.children(actor)
    if not entries:
        raise not_found(actor, "sổ liên lạc: không có con")
    here = [e for e in entries if e.here]
    if len(entries) == 1 and here:
        return redirect("parents:child", student_id=here[0].student.pk)
    return render(request, "parents/child/children.html", {"entries": entries})


@login_required
def child(request, student_id: int):
    """The child's page: published results, attendance, transcripts, upcoming tests."""
    actor = request.actor
    student = policies.access_child(actor, student_id)
    page = selectors.child_page(actor, student)
    actions.child_viewed(actor=actor, student=student, page="child")
    return render(
        request,
        "parents/child/child.html",
        {
            "page": page,
            "student": student,
            "several": len(actor.child_ids) > 1,
            "modes": PublicationSettings.Mode,
        },
    )


@login_required
def transcript_pdf(request, student_id: int, transcript_id: int):
    """The signed PDF of the child's issued transcript, as a download."""
    actor = request.actor
    student = policies.access_child(actor, student_id)
    transcript = policies.access_child_transcript(actor, student, transcript_id)
    actions.child_viewed(actor=actor, student=student, page="transcript", detail=transcript.code)
    from django.core.files.storage import default_storage

    response = FileResponse(
        default_storage.open(transcript.pdf.name, "rb"), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="hoc-ba-{student.student_code}-{transcript.year.name}.pdf"'
    )
    return response


class PublicationForm(forms.Form):
    mode = forms.ChoiceField(
        label="Kết quả học tập đến cha mẹ học sinh",
        choices=PublicationSettings.Mode.choices,
        widget=forms.RadioSelect,
    )
    show_test_dates = forms.BooleanField(
        label="Cho cha mẹ học sinh xem lịch kiểm tra định kỳ sắp tới của lớp", required=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def publication(request):
    """The principal's (or administrator's) choice of how results are published to parents."""
    actor = request.actor
    if not policies.can_edit_publication(actor):
        raise not_found(actor, "thiết lập công bố kết quả cho cha mẹ học sinh")
    current = selectors.publication_settings(actor.school_id)
    if request.method == "POST":
        form = PublicationForm(request.POST)
        if form.is_valid():
            try:
                actions.publication_settings_update(
                    actor=actor,
                    mode=form.cleaned_data["mode"],
                    show_test_dates=form.cleaned_data["show_test_dates"],
                )
            except PermissionDenied:
                raise
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, "Đã lưu cách công bố kết quả cho cha mẹ học sinh.")
                return redirect("parents:publication")
        status = 400
    else:
        form = PublicationForm(
            initial={"mode": current.mode, "show_test_dates": current.show_test_dates}
        )
        status = 200
    return render(
        request,
        "parents/child/publication.html",
        {"form": form, "current": current},
        status=status,
    )
