"""The slips page (staff), the printable slips, and the parent's two steps: the code, then the
password (or, signed in, linking the child to the account they already have)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoso.accounts.invitations import actions
from hoso.accounts.invitations.policies import SCHOOL_WIDE, can_invite
from hoso.accounts.invitations.selectors import guardians_for_slips, slips_of
from hoso.accounts.models import ParentInvitation
from hoso.accounts.phones import normalise_phone
from hoso.accounts.policies import log_denied
from hoso.accounts.views import sign_in
from hoso.core import clock
from hoso.core.context import client_ip
from hoso.core.errors import DomainError

SESSION_SLIPS = "hoso_invitation_slips"
SESSION_INVITE = "hoso_invitation"
SLIPS_KEPT = timedelta(hours=1)
INVITE_STEP = timedelta(minutes=30)
BACKEND = "hoso.accounts.backends.LockoutBackend"


def _require_inviter(actor) -> None:
    if not can_invite(actor):
        log_denied(actor, kind="forbidden", what="phiếu mời phụ huynh")
        raise PermissionDenied("Bạn không có quyền in phiếu mời phụ huynh.")


@login_required
def invitations_view(request):
    """The guardians of the actor's scope (a homeroom teacher: their class), with their account
    and latest slip; tick some and print their slips."""
    from hoso.organisation.models import SchoolClass

    actor = request.actor
    _require_inviter(actor)
    classes = SchoolClass.objects.filter(year=actor.year).order_by("grade__number", "name")
    if not actor.has(*SCHOOL_WIDE):
        classes = classes.filter(pk__in=actor.homeroom_class_ids)
    class_id = request.GET.get("lop", "")
    class_id = int(class_id) if class_id.isdigit() else None
    q = request.GET.get("q", "")
    guardians = guardians_for_slips(actor, class_id=class_id, q=q)
    page = Paginator(guardians, 60).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/invitations/list.html",
        {
            "page": page,
            "classes": list(classes),
            "class_id": class_id,
            "q": q,
            "now": clock.now(),
            "days": settings.HOSO_PARENT_INVITE_DAYS,
        },
    )


@login_required
@require_POST
def invitations_issue_view(request):
    actor = request.actor
    _require_inviter(actor)
    ids = [int(v) for v in request.POST.getlist("guardian") if v.isdigit()]
    if not ids:
        messages.error(request, "Hãy chọn ít nhất một phụ huynh.")
        return redirect("accounts:parent_invitations")
    try:
        slips = actions.invitation_issue(actor=actor, guardian_ids=ids)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:parent_invitations")
    request.session[SESSION_SLIPS] = {
        "at": clock.now().timestamp(),
        "items": [{"id": s.invitation.pk, "code": s.code} for s in slips],
    }
    return redirect("accounts:invitation_slips")


@login_required
def slips_view(request):
    """The slips just made, several per A4 page: the codes live only in the printer's session
    for an hour (the database keeps their hashes)."""
    actor = request.actor
    _require_inviter(actor)
    kept = request.session.get(SESSION_SLIPS) or {}
    if not kept or clock.now().timestamp() - kept.get("at", 0) > SLIPS_KEPT.total_seconds():
        request.session.pop(SESSION_SLIPS, None)
        messages.info(
            request, "Mã chỉ hiện trong một giờ sau khi tạo. Hãy chọn phụ huynh và in lại."
        )
        return redirect("accounts:parent_invitations")
    slips = slips_of(actor=actor, items=kept["items"])
    for slip in slips:
        slip["shown"] = actions.show_code(slip["code"])
        slip["url"] = request.build_absolute_uri(reverse("accounts:redeem")) + f"?ma={slip['code']}"
    return render(
        request,
        "accounts/invitations/slips.html",
        {"slips": slips, "redeem_url": request.build_absolute_uri(reverse("accounts:redeem"))},
    )


# --- the parent -----------------------------------------------------------------------------


def redeem_view(request):
    """Step 1: the code from the slip (the slip's link fills it in; nothing is checked on GET)."""
    code = request.POST.get("code", request.GET.get("ma", ""))
    error = ""
    if request.method == "POST":
        try:
            invitation = actions.invitation_find(code=code, address=client_ip(request))
        except DomainError as exc:
            error = exc.message
        else:
            request.session[SESSION_INVITE] = {
                "id": invitation.pk,
                "at": clock.now().timestamp(),
            }
            return redirect("accounts:redeem_finish")
    return render(
        request, "accounts/invitations/redeem.html", {"code": code, "error": error}, status=200
    )


def _pending(request) -> ParentInvitation | None:
    pending = request.session.get(SESSION_INVITE) or {}
    if not pending or clock.now().timestamp() - pending.get("at", 0) > INVITE_STEP.total_seconds():
        return None
    invitation = (
        ParentInvitation.objects.select_related("guardian", "school", "guardian__user")
        .filter(pk=pending.get("id"))
        .first()
    )
    return invitation if invitation is not None and invitation.is_live() else None


def redeem_finish_view(request):
    """Step 2: who the slip is for; a new password (an invitation: also the phone), or — signed
    in already — "add this child to my account"."""
    invitation = _pending(request)
    if invitation is None:
        request.session.pop(SESSION_INVITE, None)
        messages.error(request, "Hãy nhập lại mã trên phiếu (mã chỉ giữ trong 30 phút).")
        return redirect("accounts:redeem")
    guardian = invitation.guardian
    children = [link.student.full_name for link in guardian.student_links.select_related("student")]
    values = {"phone": request.POST.get("phone", guardian.phone)}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                actions.invitation_link(invitation_id=invitation.pk, user=request.user)
                request.session.pop(SESSION_INVITE, None)
                messages.success(
                    request, f"Đã thêm {', '.join(children)} vào tài khoản của anh/chị."
                )
                return redirect("home:index")
            user = actions.invitation_redeem(
                invitation_id=invitation.pk,
                password=request.POST.get("password", ""),
                password2=request.POST.get("password2", ""),
                phone=request.POST.get("phone", ""),
            )
        except DomainError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            request.session.pop(SESSION_INVITE, None)
            response = sign_in(
                request,
                user,
                username=user.username,
                backend=BACKEND,
                target=reverse("home:index"),
            )
            if invitation.kind == ParentInvitation.Kind.INVITE:
                messages.success(
                    request,
                    f"Chào mừng {user.display_name}! Lần sau, đăng nhập bằng số điện thoại "
                    f"{user.phone} (hoặc tên đăng nhập {user.username}) và mật khẩu vừa chọn.",
                )
            else:
                messages.success(request, "Đã đặt mật khẩu mới.")
            return response
    return render(
        request,
        "accounts/invitations/finish.html",
        {
            "invitation": invitation,
            "guardian": guardian,
            "children": children,
            "values": values,
            "errors": errors,
            "phone_shown": normalise_phone(values["phone"]) or values["phone"],
        },
    )
