import pytest


@pytest.fixture
def typed_absences(world):
    """The school types one absence total per term (AttendanceSettings.source = "typed"): the
    tests of the typed inputs (the default, "daily", takes them from the rolls)."""
    from hoso.attendance.models import AttendanceSettings

    return AttendanceSettings.objects.update_or_create(
        school=world.school, defaults={"source": "typed"}
    )[0]
