"""Move the class-list and grade-sheet uploads and the saved column mappings of
``students.ImportBatch``, ``gradebook.GradeImportBatch`` and ``students.ImportMapping`` into the
one machinery's tables (``students``/``gradebook`` then drop theirs).

- Mappings keep their school, kind ("students" or "grades"), name, source, header row, columns,
  signature, author and date: files of other systems keep being mapped by themselves.
- Every batch moves, finished or not, with its rows, errors and result; its target becomes its
  scope ({"class_id"} or {"class_id", "subject_id", "term_id"}). Class-list batches keep their
  id (the ``student.imported`` audit events and links name it); grade-sheet batches get new ids
  and keep their old one as ``result["moved_from"]``.
- A batch still QUEUED goes back to PREVIEW: its task was enqueued under the old task's name,
  which no longer exists, so the person presses "Ghi" again (nothing was written).
"""

from django.core.management.color import no_style
from django.db import migrations


def _scope_key(scope):
    return ";".join(f"{key}={scope[key]}" for key in sorted(scope))


def forward(apps, schema_editor):
    Mapping = apps.get_model("imports", "ImportMapping")
    Batch = apps.get_model("imports", "ImportBatch")
    OldMapping = apps.get_model("students", "ImportMapping")
    StudentBatch = apps.get_model("students", "ImportBatch")
    GradeBatch = apps.get_model("gradebook", "GradeImportBatch")

    Mapping.objects.bulk_create(
        Mapping(
            school_id=m.school_id,
            kind=m.kind,
            name=m.name,
            source=m.source,
            header_row=m.header_row,
            columns=m.columns,
            signature=m.signature,
            created_by_id=m.created_by_id,
            created_at=m.created_at,
        )
        for m in OldMapping.objects.order_by("pk").iterator()
    )

    def moved(old, kind, scope, **extra):
        state = "preview" if old.state == "queued" else old.state
        return Batch(
            kind=kind,
            school_id=old.school_id,
            scope=scope,
            scope_key=_scope_key(scope),
            uploaded_by_id=old.uploaded_by_id,
            filename=old.filename,
            state=state,
            headers=old.headers,
            raw_rows=old.raw_rows,
            mapping=old.mapping,
            rows=old.rows,
            errors=old.errors,
            result={**(old.result or {}), **extra},
            created_at=old.created_at,
        )

    for old in StudentBatch.objects.order_by("pk").iterator(chunk_size=200):
        batch = moved(old, "students", {"class_id": old.school_class_id})
        batch.pk = old.pk
        batch.save(force_insert=True)
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Batch]):
            cursor.execute(sql)
    for old in GradeBatch.objects.order_by("pk").iterator(chunk_size=200):
        scope = {"class_id": old.school_class_id, "subject_id": old.subject_id, "term_id": old.term_id}
        moved(old, "grades", scope, moved_from=old.pk).save(force_insert=True)


def backward(apps, schema_editor):
    Mapping = apps.get_model("imports", "ImportMapping")
    Batch = apps.get_model("imports", "ImportBatch")
    OldMapping = apps.get_model("students", "ImportMapping")
    StudentBatch = apps.get_model("students", "ImportBatch")
    GradeBatch = apps.get_model("gradebook", "GradeImportBatch")

    for m in Mapping.objects.filter(kind__in=("students", "grades")).order_by("pk"):
        OldMapping.objects.create(
            school_id=m.school_id,
            kind=m.kind,
            name=m.name,
            source=m.source,
            header_row=m.header_row,
            columns=m.columns,
            signature=m.signature,
            created_by_id=m.created_by_id,
        )
    common = ("uploaded_by_id", "filename", "state", "headers", "raw_rows", "mapping", "rows")
    for b in Batch.objects.filter(kind__in=("students", "grades")).order_by("pk"):
        values = {name: getattr(b, name) for name in common}
        values |= {"school_id": b.school_id, "errors": b.errors, "result": b.result}
        if b.kind == "students":
            StudentBatch.objects.create(school_class_id=b.scope["class_id"], **values)
        else:
            GradeBatch.objects.create(
                school_class_id=b.scope["class_id"],
                subject_id=b.scope["subject_id"],
                term_id=b.scope["term_id"],
                **values,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("students", "0001_initial"),
        ("gradebook", "0002_classresult_reopened"),
    ]

    operations = [migrations.RunPython(forward, backward)]
