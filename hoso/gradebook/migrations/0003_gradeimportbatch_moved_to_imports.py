# The grade-sheet uploads now live in hoso.imports (imports.0002 copied them there).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_move_batches_and_mappings"),
        ("gradebook", "0002_classresult_reopened"),
    ]

    operations = [
        migrations.DeleteModel(name="GradeImportBatch"),
    ]
