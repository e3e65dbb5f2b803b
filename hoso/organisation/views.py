from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from hoso.organisation.models import TeachingAssignment
from hoso.organisation.policies import (
    access_class,
    can_edit_class_students,
    can_import_class,
    visible_classes,
)
from hoso.students.models import Enrolment
from hoso.students.selectors import class_roster


@login_required
def class_list(request):
    actor = request.actor
    classes = (
        visible_classes(actor)
        .select_related("homeroom__teacher")
        .annotate(
            active=Count(
                "enrolments",
                filter=Q(
                    enrolments__end_date__isnull=True,
                    enrolments__status__in=Enrolment.ACTIVE,
                ),
                distinct=True,
            )
        )
        .order_by("grade__number", "name")
    )
    return render(request, "organisation/class_list.html", {"classes": classes})


@login_required
def class_detail(request, class_id: int):
    actor = request.actor
    school_class = access_class(actor, class_id)
    roster = list(class_roster(school_class))
    teaching = (
        TeachingAssignment.objects.filter(school_class=school_class)
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
            "teaching": teaching,
            "my_subject_ids": mine,
            "can_edit": can_edit_class_students(actor, school_class),
            "can_import": can_import_class(actor, school_class),
            "homeroom": getattr(school_class, "homeroom", None),
        },
    )
