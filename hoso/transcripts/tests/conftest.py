from __future__ import annotations

import pytest

from hoso.signing.testpki import DEMO_PASSWORD, demo_pki

PASSWORD = DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _urls_and_storage(settings, tmp_path):
    settings.ROOT_URLCONF = "hoso.transcripts.tests.urls"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }


@pytest.fixture(scope="session")
def pki():
    return demo_pki()


def approve_results(world, school_class=None) -> None:
    """Mark the class's results computed and approved by the principal for every period of its
    rule set, for every student studying in it (the state the grade book reaches at year end;
    the result values themselves are empty), so the transcript is no longer a draft print.
    Call again after adding students."""
    from django.utils import timezone

    from hoso.gradebook.results.compute import class_ruleset, periods_for
    from hoso.gradebook.results.models import ClassResult, StudentResult
    from hoso.students.models import Enrolment

    school_class = school_class or world.class_a
    now = timezone.now()
    students = Enrolment.objects.filter(school_class=school_class).values_list(
        "student_id", flat=True
    )
    for period in periods_for(class_ruleset(school_class)):
        class_result, _ = ClassResult.objects.update_or_create(
            school_class=school_class,
            period=period,
            defaults={
                "state": ClassResult.State.APPROVED,
                "approved_by": world.users["principal"],
                "approved_at": now,
            },
        )
        for student_id in students:
            StudentResult.objects.get_or_create(
                class_result=class_result,
                student_id=student_id,
                defaults={"data": {}, "inputs_hash": "", "ruleset_version": "", "computed_at": now},
            )


@pytest.fixture
def signers(world, pki):
    """Trust the test CA; PKCS#12 credentials for the homeroom teacher, the principal and the
    school seal (all with the demo password)."""
    from hoso.signing.actions import credential_add_p12, trust_root_add

    trust_root_add(certificate_pem=pki.ca.cert_pem)
    approve_results(world)

    def add(user, name):
        issued = pki.person(name) if user is not None else pki.organisation(name)
        return credential_add_p12(
            school=world.school, owner=user, data=issued.pkcs12(PASSWORD), password=PASSWORD
        )

    return {
        "homeroom": add(world.users["homeroom"], "Đỗ Thị Lan"),
        "principal": add(world.users["principal"], "Nguyễn Văn Hùng"),
        "seal": add(None, world.school.name),
    }
