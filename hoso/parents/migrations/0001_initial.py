# The contact book's first migration: the app exists before its rooms add their models (each
# room's models come in a later migration of this app).
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    operations: list = []
