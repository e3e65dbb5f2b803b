from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from hoso.accounts.policies import Perm, can
from hoso.organisation.assignments.policies import can_view_assignments
from hoso.organisation.assignments.selectors import (
    homeroom_teacher_of,
    reference_day,
    teaching_on,
    with_homeroom_teachers,
)
from hoso.organisation.policies import (
    access_class,
    can_edit_class_students,
    can_import_class,
    visible_classes,
)
from hoso.privacy.actions import class_data_viewed
from hoso.students.models import Enrolment
from hoso.students.selectors import class_members


@login_required
def class_list(request):
    actor = request.actor
    classes = (
        visible_classes(actor)
        .annotate(
            active=Count(
                "enrolments",
                filter=Enrolment.studying_q("enrolments__"),
                distinct=True,
            )
        )
        .order_by("grade__number", "name")
    )
    if actor.year is not None:
        classes = with_homeroom_teachers(classes, on=reference_day(actor.year))
    return render(
        request,
        "organisation/class_list.html",
        {"classes": classes, "can_assign": can_view_assignments(actor)},
    )


@login_required
def class_detail(request, class_id: int):
    actor = request.actor
    school_class = access_class(actor, class_id)
    class_data_viewed(actor=actor, school_class=school_class, what="Danh sách lớp")
    roster = class_members(school_class)  # the members now and, struck through, who left
    day = reference_day(school_class.year)
    teaching = (
        teaching_on(day)
        .filter(school_class=school_class)
        .select_related("teacher", "subject", "term")
        .order_by("subject__order", "term__number")
    )
    mine = actor.taught.get(school_class.pk, frozenset())
    return render(
        request,
        "organisation/class_detail.html",
        {
            "school_class": school_class,
            "roster": roster,
            "studying": sum(1 for e in roster if not e.left),
            "teaching": teaching,
            "my_subject_ids": mine,
            "can_edit": can_edit_class_students(actor, school_class),
            # Chuyển lớp, bỏ học, trở lại học: the clerk and the vice principals, in an open year
            "can_move": can_edit_class_students(actor, school_class)
            and can(actor, Perm.MANAGE_ENROLMENT),
            "can_import": can_import_class(actor, school_class),
            "homeroom": homeroom_teacher_of(school_class, on=day),
            "can_assign": can_view_assignments(actor),
        },
    )
