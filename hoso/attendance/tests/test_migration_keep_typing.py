"""A school that typed absence totals before attendance existed keeps typing (nothing lost)."""

from importlib import import_module

import pytest
from django.apps import apps

from hoso.attendance.models import AttendanceSettings
from hoso.attendance.selectors import settings_for
from hoso.gradebook.results.models import HomeroomInput
from hoso.testing.factories import small_school

pytestmark = pytest.mark.django_db
migration = import_module("hoso.attendance.migrations.0002_existing_schools_keep_typing")


def test_schools_with_typed_totals_keep_typing_the_others_take_rolls(world):
    HomeroomInput.objects.create(student=world.student_a, year=world.year, absences_term1=3)
    other = small_school()  # nothing typed
    migration.keep_typing(apps, None)
    assert settings_for(world.school.pk).source == "typed"
    assert settings_for(other.school.pk).source == "daily"
    assert not AttendanceSettings.objects.filter(school=other.school).exists()
    migration.keep_typing(apps, None)  # idempotent
    assert AttendanceSettings.objects.filter(school=world.school).count() == 1
