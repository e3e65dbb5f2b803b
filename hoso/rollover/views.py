"""Pages of the year rollover and of reopening a closed year: parse → check → action → render."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import errors_return_to
from hoso.accounts.policies import Perm, can, not_found, require
from hoso.core import clock, progress
from hoso.core.errors import DomainError
from hoso.organisation.models import SchoolYear
from hoso.rollover import actions
from hoso.rollover.models import Rollover
from hoso.rollover.placement import OUTCOME_LABELS, Outcome
from hoso.rollover.selectors import following_year, rollover_summary, visible_rollovers


def _access_rollover(actor, rollover_id: int) -> Rollover:
    found = (
        Rollover.objects.filter(pk=rollover_id, school=actor.school)
        .select_related("from_year", "to_year", "created_by", "queued_by")
        .first()
    )
    if found is None or not can(actor, Perm.ROLL_OVER):
        raise not_found(actor, f"chuyển năm học #{rollover_id}")
    return found


@login_required
def index(request):
    actor = request.actor
    require(actor, Perm.ROLL_OVER, what="chuyển dữ liệu năm học")
    years = SchoolYear.objects.filter(school=actor.school).order_by("-start_date")
    open_years = [y for y in years if not y.is_closed]
    return render(
        request,
        "rollover/index.html",
        {
            "rollovers": visible_rollovers(actor),
            "open_years": open_years,
            "source": actor.year if actor.year and not actor.year.is_closed else None,
            "following": following_year(actor.year) if actor.year else None,
        },
    )


@login_required
@require_POST
@errors_return_to("rollover:index", refusals=True)
def prepare(request):
    actor = request.actor
    year = SchoolYear.objects.filter(school=actor.school, pk=request.POST.get("year") or 0).first()
    if year is None:
        raise not_found(actor, "năm học để chuyển")
    rollover = actions.rollover_prepare(actor=actor, year=year)
    return redirect("rollover:detail", rollover_id=rollover.pk)


DATE = forms.DateInput({"type": "date"}, format="%Y-%m-%d")


class TargetForm(forms.Form):
    """The new year's calendar, when the school has not prepared that year yet."""

    start = forms.DateField(label="Ngày bắt đầu năm học", widget=DATE)
    end = forms.DateField(label="Ngày kết thúc năm học", widget=DATE)
    term1_start = forms.DateField(label="Học kỳ I từ", widget=DATE)
    term1_end = forms.DateField(label="Học kỳ I đến", widget=DATE)
    term2_start = forms.DateField(label="Học kỳ II từ", widget=DATE)
    term2_end = forms.DateField(label="Học kỳ II đến", widget=DATE)
    mid1 = forms.DateField(label="Giữa học kỳ I", widget=DATE, required=False)
    end1 = forms.DateField(label="Cuối học kỳ I", widget=DATE, required=False)
    mid2 = forms.DateField(label="Giữa học kỳ II", widget=DATE, required=False)
    end2 = forms.DateField(label="Cuối năm học", widget=DATE, required=False)

    @classmethod
    def initial_from(cls, target: dict) -> dict:
        terms = target.get("terms") or {}
        cps = target.get("checkpoints") or {}
        return {
            "start": target.get("start"),
            "end": target.get("end"),
            "term1_start": (terms.get("1") or [None, None])[0],
            "term1_end": (terms.get("1") or [None, None])[1],
            "term2_start": (terms.get("2") or [None, None])[0],
            "term2_end": (terms.get("2") or [None, None])[1],
            **{kind: cps.get(kind) for kind in ("mid1", "end1", "mid2", "end2")},
        }

    def target(self) -> dict:
        d = self.cleaned_data
        return {
            "start": d["start"].isoformat(),
            "end": d["end"].isoformat(),
            "terms": {
                "1": [d["term1_start"].isoformat(), d["term1_end"].isoformat()],
                "2": [d["term2_start"].isoformat(), d["term2_end"].isoformat()],
            },
            "checkpoints": {
                k: d[k].isoformat() for k in ("mid1", "end1", "mid2", "end2") if d.get(k)
            },
        }


def _groups(rollover: Rollover) -> list[dict]:
    """The previewed students grouped by their class of the old year."""
    names = {c["key"]: c["name"] for c in rollover.classes}
    groups: dict[str, dict] = {}
    for row in rollover.placements:
        g = groups.setdefault(row["from_name"], {"name": row["from_name"], "rows": []})
        g["rows"].append(
            {
                **row,
                "outcome_label": OUTCOME_LABELS.get(Outcome(row["outcome"]), row["outcome"]),
                "target_name": names.get(row.get("target_key") or "", ""),
            }
        )
    return list(groups.values())


@login_required
def detail(request, rollover_id: int):
    actor = request.actor
    rollover = _access_rollover(actor, rollover_id)
    editable = rollover.state == Rollover.State.PREVIEW
    creates_year = not rollover.target.get("year_id") and editable
    target_form = (
        TargetForm(initial=TargetForm.initial_from(rollover.target)) if creates_year else None
    )
    if request.method == "POST" and editable:
        target = None
        if creates_year:
            target_form = TargetForm(request.POST)
            if target_form.is_valid():
                target = target_form.target()
        names = {
            key.removeprefix("ten-"): value
            for key, value in request.POST.items()
            if key.startswith("ten-")
        }
        if target_form is None or target_form.is_valid():
            try:
                rollover = actions.rollover_set_options(
                    actor=actor,
                    rollover=rollover,
                    names=names,
                    carry_homeroom=request.POST.get("giu-gvcn") == "1",
                    target=target,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "Đã lưu và tính lại bản xem trước.")
                return redirect("rollover:detail", rollover_id=rollover.pk)
    summary = rollover_summary(rollover)
    context = {
        "rollover": rollover,
        "summary": summary,
        "groups": _groups(rollover),
        "editable": editable,
        "target_form": target_form,
        "target_year": rollover.to_year
        or SchoolYear.objects.filter(pk=rollover.target.get("year_id") or 0).first(),
        "outcome_labels": {o.value: OUTCOME_LABELS[o] for o in Outcome},
        "progress": progress.read(actions.progress_key(rollover.pk))
        if rollover.state == Rollover.State.RUNNING
        else None,
    }
    if request.htmx and request.GET.get("trang-thai"):
        return render(request, "rollover/_status.html", context)
    return render(request, "rollover/detail.html", context)


@login_required
@require_POST
@errors_return_to("rollover:detail", "rollover_id", refusals=True)
def act(request, rollover_id: int, what: str):
    actor = request.actor
    rollover = _access_rollover(actor, rollover_id)
    steps = {
        "chuyen": (actions.rollover_queue, "Đã bắt đầu chuyển dữ liệu; trang tự cập nhật."),
        "tinh-lai": (actions.rollover_refresh, "Đã tính lại bản xem trước."),
        "huy": (actions.rollover_cancel, "Đã hủy lần chuyển này; dữ liệu không thay đổi."),
        "thu-lai": (actions.rollover_retry, "Đã tính lại; xem lại rồi chuyển."),
    }
    if what not in steps:
        raise not_found(actor, f"thao tác {what}")
    action, done = steps[what]
    action(actor=actor, rollover=rollover)
    messages.success(request, done)
    return redirect("rollover:detail", rollover_id=rollover.pk)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Lý do", max_length=500, widget=forms.Textarea({"rows": 2, "maxlength": 500})
    )
    purpose = forms.CharField(
        label="Mục đích (việc cần làm xong)",
        max_length=300,
        widget=forms.TextInput({"maxlength": 300, "placeholder": "Hoàn thiện học bạ năm trước"}),
    )
    scope = forms.MultipleChoiceField(
        label="Phần được mở lại",
        choices=list(actions.REOPEN_AREAS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    until = forms.DateField(label="Đến hết ngày", widget=DATE)


@login_required
@errors_return_to("rollover:reopen", "year_id", refusals=True)
def reopen(request, year_id: int):
    actor = request.actor
    require(actor, Perm.REOPEN_YEAR, what=f"mở lại năm học #{year_id}")
    year = SchoolYear.objects.filter(pk=year_id, school=actor.school).first()
    if year is None:
        raise not_found(actor, f"năm học #{year_id}")
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and request.POST.get("dong-lai"):
        actions.year_reopening_end(actor=actor, year=year)
        messages.success(request, f"Đã khóa lại năm học {year.name}.")
        return redirect("rollover:reopen", year_id=year.pk)
    if request.method == "POST" and form.is_valid():
        until = datetime.combine(form.cleaned_data["until"], time(23, 59), tzinfo=clock.VN_TZ)
        try:
            actions.year_reopen(
                actor=actor,
                year=year,
                reason=form.cleaned_data["reason"],
                purpose=form.cleaned_data["purpose"],
                scope=form.cleaned_data["scope"],
                until=until,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Đã mở lại năm học {year.name} đến {until:%d/%m/%Y}.")
            return redirect("rollover:reopen", year_id=year.pk)
    return render(
        request,
        "rollover/reopen.html",
        {
            "year": year,
            "form": form,
            "reopenings": year.reopenings.select_related("opened_by", "ended_by"),
            "areas": actions.REOPEN_AREAS,
            "reopened": year.is_reopened(),
        },
    )
