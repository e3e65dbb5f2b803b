import pytest


@pytest.fixture
def world(db):
    from hoso.testing.factories import small_school

    return small_school()


@pytest.fixture(autouse=True)
def _fast_tasks(settings):
    """Background tasks run immediately in tests unless a test says otherwise."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
