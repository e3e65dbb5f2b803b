"""Pages of the sign-off (xác nhận cuối kỳ): the subject teacher confirms its sheet, the homeroom
teacher its class."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import return_on_error
from hoso.accounts.policies import log_denied
from hoso.core.http import back_url, redirect_back
from hoso.gradebook.entry.policies import access_sheet
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.results.policies import access_results_class
from hoso.gradebook.signoff.actions import class_signoff
from hoso.gradebook.signoff.actions import sheet_signoff as sheet_signoff_action


@require_POST
@login_required
def signoff_class(request, class_id: int, term_id: int):
    actor = request.actor
    school_class = access_results_class(actor, class_id)
    term = get_object_or_404(school_class.year.terms, pk=term_id)
    return_on_error(request, back_url(request, "gradebook:results_class", class_id=class_id))
    try:
        class_signoff(actor=actor, school_class=school_class, term=term)
    except PermissionDenied:
        log_denied(actor, kind="forbidden", what=f"xác nhận lớp #{class_id}")
        raise
    messages.success(request, f"Đã xác nhận lớp {school_class.name} — {term}.")
    return redirect_back(request, "gradebook:results_class", class_id=class_id)


@require_POST
@login_required
def signoff_sheet(request, class_id: int, subject_id: int, term_id: int):
    actor = request.actor
    school_class, subject, term = access_sheet(actor, class_id, subject_id, term_id)
    return_on_error(request, back_url(request, "gradebook:results_index"))
    try:
        sheet_signoff_action(actor=actor, sheet=load_sheet(school_class, subject, term))
    except PermissionDenied:
        log_denied(
            actor, kind="forbidden", what=f"xác nhận cột điểm #{class_id}/{subject_id}/{term_id}"
        )
        raise
    messages.success(request, f"Đã xác nhận cột điểm {subject.name} — lớp {school_class.name}.")
    return redirect_back(request, "gradebook:results_index")
