from __future__ import annotations

from dataclasses import dataclass

import pytest

from hoso.signing.testpki import DEMO_PASSWORD, demo_pki


@dataclass
class Box:
    page: int
    x1: float
    y1: float
    x2: float
    y2: float


def make_pdf(pages: int = 1, title: str = "Sổ theo dõi và đánh giá học sinh") -> bytes:
    import typst

    body = [
        '#set page(paper: "a4")',
        '#set text(font: "Noto Serif", lang: "vi")',
        f"= {title}",
    ]
    for i in range(pages):
        if i:
            body.append("#pagebreak()")
        body.append(f"Trang {i + 1}: Nguyễn Thị Hoa — Toán 8,5; Ngữ văn 7,0.")
    return typst.compile("\n".join(body).encode(), font_paths=["/usr/share/fonts/truetype/noto"])


@pytest.fixture(scope="session")
def pki():
    return demo_pki()


@pytest.fixture
def trusted(db, pki):
    from hoso.signing.actions import trust_root_add

    return trust_root_add(certificate_pem=pki.ca.cert_pem)


@pytest.fixture
def dummy_tsa(settings):
    settings.HOSO_SIGNING_TIMESTAMPER = "hoso.signing.testpki.dummy_timestamper"


@pytest.fixture
def p12_credential(world, pki):
    """A factory: a PKCS#12 credential for a world member (or the school seal when user=None)."""
    from hoso.signing.actions import credential_add_p12

    def make(user, common_name: str, *, password: str = DEMO_PASSWORD, **cert_kwargs):
        issued = pki.person(common_name, **cert_kwargs)
        return credential_add_p12(
            school=world.school, owner=user, data=issued.pkcs12(password), password=password
        )

    return make
