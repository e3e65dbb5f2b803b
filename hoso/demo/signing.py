"""Demo data of this package, called by hoso.demo.actions.demo_seed after the schools exist.

Issues PKCS#12 credentials from the demo CA ("HoSo Demo CA") for the principal, the vice
principals, the homeroom teachers of the current year and the school seal, all unlocked with the
demo password HoSo@2026, and trusts the demo CA. EC P-256 keys: a school takes well under 1 s.
"""

from __future__ import annotations

from datetime import date

from hoso.organisation.models import HomeroomAssignment, Position, Staff
from hoso.signing.actions import credential_store_issued, trust_root_add
from hoso.signing.models import SigningCredential
from hoso.signing.testpki import DEMO_PASSWORD, demo_pki


def seed_demo(school, year, *, today: date) -> None:
    """``today`` (the demo's reference day) dates nothing here: credentials are issued by the
    demo CA for the current year's people, valid from the moment they are made."""
    pki = demo_pki()
    trust_root_add(certificate_pem=pki.ca.cert_pem, name="HoSo Demo CA (chỉ dùng thử)")
    have = set(
        SigningCredential.objects.filter(school=school, is_active=True).values_list(
            "user_id", flat=True
        )
    )
    leaders = Staff.objects.filter(
        school=school,
        is_active=True,
        user__isnull=False,
        position__in=[Position.PRINCIPAL, Position.VICE_PRINCIPAL],
    )
    homerooms = Staff.objects.filter(
        pk__in=HomeroomAssignment.objects.filter(school_class__year=year).values("teacher_id"),
        user__isnull=False,
    )
    people = {s.user_id: s for s in list(leaders) + list(homerooms)}
    for user_id, staff in people.items():
        if user_id in have:
            continue
        credential_store_issued(
            school=school,
            owner=staff.user,
            issued=pki.person(staff.full_name, organisation=school.name),
            password=DEMO_PASSWORD,
            label="Chứng thư số thử nghiệm (HoSo Demo CA)",
        )
    if None not in have:
        credential_store_issued(
            school=school,
            owner=None,
            issued=pki.organisation(school.name),
            password=DEMO_PASSWORD,
            label="Chứng thư số con dấu thử nghiệm (HoSo Demo CA)",
        )
