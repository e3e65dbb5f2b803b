from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from hoso.accounts.policies import Perm, can, log_denied, require
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import in_sentence
from hoso.organisation.policies import access_class, can_edit_class_students
from hoso.privacy.actions import child_data_viewed
from hoso.students import actions
from hoso.students.forms import (
    ChangeClassForm,
    EnrolmentEndForm,
    GuardianForm,
    ReturnForm,
    StudentForm,
)
from hoso.students.links import links_for
from hoso.students.models import Enrolment, StudentGuardian
from hoso.students.policies import access_student, can_edit_student
from hoso.students.selectors import (
    change_targets,
    register_page,
    returnable_enrolment,
    student_history,
    student_search,
)


def _guardian_forms(data=None):
    return [
        GuardianForm(data, prefix="father", initial={"relation": StudentGuardian.Relation.FATHER}),
        GuardianForm(data, prefix="mother", initial={"relation": StudentGuardian.Relation.MOTHER}),
    ]


@login_required
def search(request):
    actor = request.actor
    q = request.GET.get("q", "")
    results = list(student_search(actor, q)) if q else []
    template = "students/_results.html" if request.htmx else "students/search.html"
    return render(request, template, {"q": q, "results": results})


@login_required
def detail(request, student_id: int):
    actor = request.actor
    student = access_student(actor, student_id)
    # a parent or an inspector reading a child's profile is in the audit trail (privacy)
    child_data_viewed(actor=actor, student=student, what="Hồ sơ học sinh")
    enrolments = student_history(student)
    guardians = student.guardian_links.select_related("guardian")
    full = (
        can_edit_student(actor, student)
        or can(actor, Perm.VIEW_SCHOOL)
        or (student.pk in actor.child_ids)
    )
    return render(
        request,
        "students/detail.html",
        {
            "student": student,
            "enrolments": enrolments,
            "guardians": guardians,
            "can_edit": can_edit_student(actor, student),
            "can_end": can(actor, Perm.MANAGE_ENROLMENT),
            "can_return": can(actor, Perm.MANAGE_ENROLMENT)
            and actor.can_write("students")
            and returnable_enrolment(student, actor.year) is not None,
            "show_personal": full,
            "links": links_for(actor, student),
        },
    )


@login_required
def edit(request, student_id: int):
    actor = request.actor
    student = access_student(actor, student_id)
    if not can_edit_student(actor, student):
        log_denied(actor, kind="forbidden", what=f"sửa hồ sơ học sinh #{student_id}")
        raise PermissionDenied("Bạn không có quyền sửa hồ sơ học sinh này.")
    form = StudentForm(request.POST or None, instance=None, initial=_initial(student))
    # a post without the guardians' rows (an older page) leaves them as they are
    with_guardians = any(key.startswith("g0-") for key in request.POST)
    guardian_forms = _edit_guardian_forms(student, request.POST if with_guardians else None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (not with_guardians or all(g.is_valid() for g in guardian_forms))
    ):
        try:
            with transaction.atomic():
                actions.student_update(actor=actor, student=student, changes=form.cleaned_data)
                if with_guardians:
                    actions.student_guardians_set(
                        actor=actor,
                        student=student,
                        guardians=[actions.GuardianInput(**g.cleaned_data) for g in guardian_forms],
                    )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Đã lưu sơ yếu lý lịch và cha mẹ, người giám hộ.")
            return redirect("students:detail", student_id=student.pk)
    return render(
        request,
        "students/edit.html",
        {"form": form, "student": student, "guardian_forms": guardian_forms},
    )


def _edit_guardian_forms(student, data=None) -> list[GuardianForm]:
    """One form per linked guardian (filled in), then the missing of father and mother, and
    one blank row for another guardian."""
    links = list(student.guardian_links.select_related("guardian").order_by("pk"))
    initial = [
        {
            "full_name": link.guardian.full_name,
            "relation": link.relation,
            "phone": link.guardian.phone,
            "occupation": link.guardian.occupation,
        }
        for link in links
    ]
    present = {link.relation for link in links}
    R = StudentGuardian.Relation
    initial += [{"relation": r} for r in (R.FATHER, R.MOTHER) if r not in present]
    initial.append({"relation": R.GUARDIAN})
    forms = []
    for i, row in enumerate(initial):
        form = GuardianForm(data, prefix=f"g{i}", initial=row)
        label = in_sentence(R(row["relation"]).label)
        form.legend = row.get("full_name") or f"Thêm {label}"
        forms.append(form)
    return forms


def _initial(student) -> dict:
    return {f: getattr(student, f) for f in StudentForm.Meta.fields}


@login_required
def create(request, class_id: int):
    actor = request.actor
    school_class = access_class(actor, class_id)
    if not can_edit_class_students(actor, school_class):
        log_denied(actor, kind="forbidden", what=f"thêm học sinh vào lớp #{class_id}")
        raise PermissionDenied("Bạn không có quyền thêm học sinh vào lớp này.")
    form = StudentForm(request.POST or None)
    guardian_forms = _guardian_forms(request.POST or None)
    if request.method == "POST" and form.is_valid() and all(g.is_valid() for g in guardian_forms):
        guardians = [
            actions.GuardianInput(**g.cleaned_data)
            for g in guardian_forms
            if g.cleaned_data.get("full_name")
        ]
        try:
            student = actions.student_enrol(
                actor=actor,
                school_class=school_class,
                profile=form.cleaned_data,
                guardians=guardians,
                start_date=clock.today(),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                f"Đã thêm {student.full_name}, số đăng bộ {student.register_entry.number}.",
            )
            return redirect("organisation:class_detail", class_id=school_class.pk)
    return render(
        request,
        "students/create.html",
        {"form": form, "guardian_forms": guardian_forms, "school_class": school_class},
    )


@login_required
def end_enrolment(request, enrolment_id: int):
    actor = request.actor
    require(actor, Perm.MANAGE_ENROLMENT, what=f"kết thúc học #{enrolment_id}")
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("student", "school_class"),
        pk=enrolment_id,
        student__school=actor.school,
    )
    form = EnrolmentEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.enrolment_end(actor=actor, enrolment=enrolment, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Đã cập nhật tình trạng học sinh.")
            return redirect("students:detail", student_id=enrolment.student_id)
    return render(request, "students/end_enrolment.html", {"form": form, "enrolment": enrolment})


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def change_class(request, enrolment_id: int):
    """Chuyển lớp (same grade, same year): the clerk or a vice principal."""
    actor = request.actor
    require(actor, Perm.MANAGE_ENROLMENT, what=f"chuyển lớp #{enrolment_id}")
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("student", "school_class", "year"),
        pk=enrolment_id,
        student__school=actor.school,
    )
    form = ChangeClassForm(request.POST or None, classes=change_targets(enrolment))
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.enrolment_change_class(
                actor=actor, enrolment=enrolment, **form.cleaned_data
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, f"Đã chuyển {enrolment.student} sang lớp {new.school_class.name}."
            )
            return redirect("students:detail", student_id=enrolment.student_id)
    return render(request, "students/change_class.html", {"form": form, "enrolment": enrolment})


@login_required
def return_to_school(request, student_id: int):
    """Trở lại học: a student who dropped out or transferred out this year comes back."""
    actor = request.actor
    require(actor, Perm.MANAGE_ENROLMENT, what=f"cho học sinh #{student_id} trở lại học")
    student = access_student(actor, student_id)
    left = returnable_enrolment(student, actor.year)
    if left is None:
        messages.error(request, "Học sinh không có lần bỏ học hay chuyển đi nào trong năm học này.")
        return redirect("students:detail", student_id=student.pk)
    classes = change_targets(left, include_own=True)
    form = ReturnForm(
        request.POST or None, classes=classes, initial={"school_class": left.school_class_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = actions.enrolment_return(actor=actor, student=student, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"{student} đã trở lại học, lớp {new.school_class.name}.")
            return redirect("students:detail", student_id=student.pk)
    return render(request, "students/return.html", {"form": form, "student": student, "left": left})


@login_required
def register(request):
    """Sổ đăng bộ: every student who ever enrolled, by register number, a page at a time."""
    actor = request.actor
    require(actor, Perm.MANAGE_ENROLMENT, what="sổ đăng bộ")
    page = register_page(actor.school, page=request.GET.get("page"))
    return render(request, "students/register.html", {"page": page})
