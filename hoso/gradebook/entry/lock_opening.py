"""Mở sổ: the door that opens a locked grade book, in two steps.

The list of locks (``views.locks``) links to this page; here the principal (or the administrator
on the principal's order) writes the reason (required, at most 300 characters) and ticks the
confirmation "Mở khóa sổ … ?"; only then does :func:`actions.book_open` end the lock. An empty
reason or a missing tick shows the error on this same page with what was typed kept.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from hoso.accounts.policies import log_denied, not_found
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import nfc
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import BookLock
from hoso.gradebook.entry.policies import can_lock_books, can_see_locks
from hoso.gradebook.entry.views import lock_scope


class OpenLockForm(forms.Form):
    """The reason for opening and the confirmation tick."""

    reason = forms.CharField(
        label="Lý do mở sổ",
        max_length=actions.OPEN_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": actions.OPEN_REASON_MAX}),
        error_messages={
            "required": "Hãy ghi lý do mở sổ.",
            "max_length": f"Lý do mở sổ dài quá {actions.OPEN_REASON_MAX} ký tự: hãy rút gọn.",
        },
    )
    confirm = forms.BooleanField(
        label="Tôi xác nhận mở khóa sổ này",
        error_messages={"required": "Hãy đánh dấu ô xác nhận trước khi mở sổ."},
    )

    def clean_reason(self) -> str:
        return nfc(self.cleaned_data["reason"]).strip()


@login_required
@require_http_methods(["GET", "POST"])
def lock_open(request, lock_id: int):
    """Mở sổ: GET shows the question, POST (reason + tick) ends the lock."""
    actor = request.actor
    if not can_see_locks(actor):
        log_denied(actor, kind="forbidden", what=f"mở sổ #{lock_id}")
        raise PermissionDenied("Chỉ hiệu trưởng và quản trị viên được khóa, mở sổ.")
    lock = (
        BookLock.objects.filter(pk=lock_id, school=actor.school)
        .select_related("grade", "school_class", "subject", "term", "ordered_by")
        .first()
    )
    if lock is None:
        raise not_found(actor, f"khóa sổ #{lock_id}")
    if not can_lock_books(actor) or actor.year is None:
        log_denied(actor, kind="forbidden", what=f"mở sổ #{lock_id}")
        raise PermissionDenied("Năm học đã khóa: không mở sổ.")
    if lock.opened_at:
        messages.error(request, "Khóa này đã được mở.")
        return redirect("gradebook:locks")
    form = OpenLockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.book_open(actor=actor, lock=lock, reason=form.cleaned_data["reason"])
        except PermissionDeniedError as exc:
            log_denied(actor, kind="forbidden", what=f"mở sổ #{lock_id}")
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Đã mở sổ: {lock_scope(lock)}.")
            return redirect("gradebook:locks")
    return render(
        request,
        "gradebook/lock_open.html",
        {"form": form, "lock": lock, "scope": lock_scope(lock), "scheduled": lock.effective_at},
        status=422 if form.errors else 200,
    )
