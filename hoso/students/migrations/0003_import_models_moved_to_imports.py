# The class-list uploads and the saved column mappings now live in hoso.imports
# (imports.0002 copied them there).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_move_batches_and_mappings"),
        ("students", "0002_enrolment_year_outcome"),
    ]

    operations = [
        migrations.DeleteModel(name="ImportBatch"),
        migrations.DeleteModel(name="ImportMapping"),
    ]
