"""A correction request lists its cells (CorrectionItem): each existing single-cell request
becomes a request with one item (row 1), open while the request is."""

import django.db.models.deletion
from django.db import migrations, models

OPEN = ("requested", "approved")


def requests_to_items(apps, schema_editor):
    Request = apps.get_model("gradebook", "CorrectionRequest")
    Item = apps.get_model("gradebook", "CorrectionItem")
    Item.objects.bulk_create(
        [
            Item(
                request_id=r.pk,
                school_id=r.school_id,
                row=1,
                student_id=r.student_id,
                subject_id=r.subject_id,
                term_id=r.term_id,
                column=r.column,
                old_value=r.old_value,
                new_value=r.new_value,
                old_text=r.old_text,
                new_text=r.new_text,
                is_open=r.state in OPEN,
            )
            for r in Request.objects.order_by("pk").iterator()
        ],
        batch_size=500,
    )


def items_to_requests(apps, schema_editor):
    """Back to one cell per request: the first item of each (a several-cell request keeps only
    its first cell when migrating backwards)."""
    Request = apps.get_model("gradebook", "CorrectionRequest")
    Item = apps.get_model("gradebook", "CorrectionItem")
    for item in Item.objects.filter(row=1).iterator():
        Request.objects.filter(pk=item.request_id).update(
            student_id=item.student_id,
            column=item.column,
            old_value=item.old_value,
            new_value=item.new_value,
            old_text=item.old_text,
            new_text=item.new_text,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("gradebook", "0004_homeroominput_from_attendance"),
        ("organisation", "0004_staff_register_history"),
        ("students", "0004_enrolment_class_changed"),
    ]

    operations = [
        migrations.CreateModel(
            name="CorrectionItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("row", models.PositiveSmallIntegerField()),
                ("column", models.CharField(max_length=16)),
                ("old_value", models.CharField(blank=True, max_length=16)),
                ("new_value", models.CharField(blank=True, max_length=16)),
                ("old_text", models.TextField(blank=True)),
                ("new_text", models.TextField(blank=True)),
                ("is_open", models.BooleanField(default=True)),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="gradebook.correctionrequest",
                    ),
                ),
                (
                    "school",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.school",
                    ),
                ),
                (
                    "student",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="students.student",
                    ),
                ),
                (
                    "subject",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.subject",
                    ),
                ),
                (
                    "term",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisation.term",
                    ),
                ),
            ],
            options={"ordering": ["request", "row"]},
        ),
        migrations.RunPython(requests_to_items, items_to_requests),
        migrations.RemoveConstraint(
            model_name="correctionrequest", name="correction_one_open_per_cell"
        ),
        migrations.RemoveField(model_name="correctionrequest", name="column"),
        migrations.RemoveField(model_name="correctionrequest", name="new_text"),
        migrations.RemoveField(model_name="correctionrequest", name="new_value"),
        migrations.RemoveField(model_name="correctionrequest", name="old_text"),
        migrations.RemoveField(model_name="correctionrequest", name="old_value"),
        migrations.RemoveField(model_name="correctionrequest", name="student"),
        migrations.AddConstraint(
            model_name="correctionitem",
            constraint=models.UniqueConstraint(fields=("request", "row"), name="correction_item_row"),
        ),
        migrations.AddConstraint(
            model_name="correctionitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_open", True)),
                fields=("student", "subject", "term", "column"),
                name="correction_one_open_per_cell",
            ),
        ),
    ]
