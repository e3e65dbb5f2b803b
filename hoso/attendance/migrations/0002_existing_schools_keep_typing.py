"""Schools that already typed absence totals before attendance existed keep typing them.

The default source of the absence totals is "daily" (the rolls). A school upgraded in the middle
of a year, whose homeroom teachers had typed term totals, would see them replaced by the (empty)
rolls at the first roll or recompute: this migration gives every such school the setting
"typed", so nothing typed is lost; its principal switches to "daily" on the settings page when
the school starts taking rolls (audited there). New schools, and schools that never typed, start
on "daily"."""

from django.db import migrations


def keep_typing(apps, schema_editor):
    HomeroomInput = apps.get_model("gradebook", "HomeroomInput")
    AttendanceSettings = apps.get_model("attendance", "AttendanceSettings")
    typed = (
        HomeroomInput.objects.filter(absences_term1__isnull=False)
        | HomeroomInput.objects.filter(absences_term2__isnull=False)
    )
    school_ids = set(typed.values_list("year__school_id", flat=True).distinct())
    for school_id in sorted(school_ids):
        AttendanceSettings.objects.update_or_create(
            school_id=school_id, defaults={"source": "typed"}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0001_initial"),
        ("gradebook", "0003_gradeimportbatch_moved_to_imports"),
    ]

    operations = [migrations.RunPython(keep_typing, migrations.RunPython.noop)]
