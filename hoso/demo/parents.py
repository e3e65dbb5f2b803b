"""Demo data of the contact book (sổ liên lạc): something for the demo parent to see on any day.

Called by hoso.demo.actions.demo_seed after the grade book and attendance of the current year.
For the class of the demo parent's child (``phuhuynh``):

- the school publishes each column once finalised (the demo shows that choice: the safer default,
  each period once approved, would leave the page empty until the principal approves term I; a
  principal changes it on /lien-lac/cong-bo-ket-qua/);
- every column already entered there is finalised three days after its last entry (if that day
  is past), except the demo subject teacher's (``gvbm``), which stay as hoso.demo.gradebook left
  them (a few finalised, the rest open for the correction demo);
- the mid-term and end-of-term tests of the current term that have not taken place get a test
  date a few days before their checkpoint: the parent's "Kiểm tra sắp tới".

Nothing is dated after the reference day ``today`` except those coming test dates. One
``demo.seeded`` audit event says what was done.
"""

from __future__ import annotations

from datetime import date, timedelta

from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.demo.gradebook import login_user
from hoso.gradebook.entry.columns import ruleset_code, sheet_columns
from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.organisation.models import SubjectOffering
from hoso.parents.child.models import PublicationSettings
from hoso.students.models import Enrolment

#: days between a column's last entry and its finalisation by the teacher
FINALISE_AFTER = 3


def _weekday_before(day: date, back: int) -> date:
    out = day - timedelta(days=back)
    while out.weekday() >= 5:  # Saturday, Sunday
        out -= timedelta(days=1)
    return out


def seed_demo(school, year, *, today: date) -> None:
    parent = login_user(school, "phuhuynh")
    if parent is None:
        return
    classes = list(
        {
            e.school_class
            for e in Enrolment.objects.filter(
                student__guardian_links__guardian__user=parent, year=year
            ).select_related("school_class__grade", "school_class__year")
        }
    )
    if not classes:
        return
    now = clock.now_on(today)
    PublicationSettings.objects.update_or_create(
        school=school,
        defaults={"mode": PublicationSettings.Mode.COLUMNS, "updated_at": now},
    )
    gvbm = login_user(school, "gvbm")
    finalised = _finalise_entered(classes, gvbm, now)
    dated = _date_coming_tests(year, classes, today)
    audit_record(
        event_type="demo.seeded",
        school_id=school.pk,
        target=school,
        after={
            "module": "parents",
            "publication": PublicationSettings.Mode.COLUMNS.value,
            "classes": sorted(c.name for c in classes),
            "finalised_columns": finalised,
            "coming_tests": dated,
        },
    )


def _finalise_entered(classes, gvbm, now) -> int:
    last: dict[tuple[int, int, int, str], tuple[date | None, object, int]] = {}
    for class_id, subject_id, term_id, column, on, at, by in Assessment.objects.filter(
        school_class__in=classes
    ).values_list(
        "school_class_id",
        "subject_id",
        "term_id",
        "column",
        "assessed_on",
        "entered_at",
        "entered_by_id",
    ):
        key = (class_id, subject_id, term_id, column)
        seen = last.get(key)
        if seen is None or at > seen[1]:
            last[key] = (on, at, by)
    existing = {
        (sc.school_class_id, sc.subject_id, sc.term_id, sc.column): sc
        for sc in SheetColumn.objects.filter(school_class__in=classes)
    }
    updates, creates = [], []
    for key, (on, at, by) in last.items():
        if gvbm is not None and by == gvbm.pk:
            continue
        sc = existing.get(key)
        if sc is not None and sc.finalised_at is not None:
            continue
        when = max(at, clock.at((on or at.date()) + timedelta(days=FINALISE_AFTER), 16))
        if when > now:
            continue  # the teacher has not finalised it yet
        if sc is None:
            sc = SheetColumn(
                school_class_id=key[0], subject_id=key[1], term_id=key[2], column=key[3]
            )
            creates.append(sc)
        else:
            updates.append(sc)
        sc.finalised_at, sc.finalised_by_id = when, by
    SheetColumn.objects.bulk_update(updates, ["finalised_at", "finalised_by"])
    SheetColumn.objects.bulk_create(creates)
    return len(updates) + len(creates)


def _date_coming_tests(year, classes, today: date) -> int:
    checkpoints = dict(year.checkpoints.values_list("kind", "date"))
    term = next(
        (t for t in year.terms.order_by("number") if t.end_date >= today),
        None,
    )
    if term is None:
        return 0
    offerings = {}
    for o in SubjectOffering.objects.filter(
        grade_id__in={c.grade_id for c in classes}
    ).select_related("subject"):
        offerings.setdefault(o.grade_id, []).append(o)
    entered = set(
        Assessment.objects.filter(school_class__in=classes, term=term)
        .values_list("school_class_id", "subject_id", "column")
        .distinct()
    )
    existing = {
        (sc.school_class_id, sc.subject_id, sc.column): sc
        for sc in SheetColumn.objects.filter(school_class__in=classes, term=term)
    }
    updates, creates = [], []
    for school_class in classes:
        ruleset = ruleset_code(year, school_class.grade.level, school_class.grade.number)
        subjects = sorted(
            offerings.get(school_class.grade_id, []),
            key=lambda o: (o.subject.order, o.subject.name),
        )
        for index, o in enumerate(subjects):
            for col in sheet_columns(subject=o.subject, offering=o, term=term, ruleset=ruleset):
                when = checkpoints.get(col.checkpoint)
                key = (school_class.pk, o.subject_id, col.key)
                if not col.periodic or when is None or key in entered:
                    continue
                on = _weekday_before(when, 2 + index % 5)
                if on <= today:
                    continue
                sc = existing.get(key)
                if sc is None:
                    sc = SheetColumn(
                        school_class=school_class,
                        subject_id=o.subject_id,
                        term=term,
                        column=col.key,
                    )
                    creates.append(sc)
                elif sc.test_date is None:
                    updates.append(sc)
                else:
                    continue
                sc.test_date = on
    SheetColumn.objects.bulk_update(updates, ["test_date"])
    SheetColumn.objects.bulk_create(creates)
    return len(updates) + len(creates)
