"""Write the demo PKI (CA, TSA) and sample PKCS#12 files, for trying signing by hand.

    python manage.py signing_demo_pki [--out DIR] [--person "Nguyễn Thị Hoa" ...] [--school "Trường THCS ..."]

The CA and TSA are the ones the demo seed uses (VAR_DIR/demo-pki), so the files validate against
the demo trust root. PKCS#12 files use the demo password HoSo@2026 unless --password is given.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from hoso.signing.testpki import DEMO_PASSWORD, demo_pki


def _slug(text: str) -> str:
    ascii_text = (
        unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        .encode("ascii", "ignore")
        .decode()
    )
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower() or "cert"


class Command(BaseCommand):
    help = "Tạo PKI thử nghiệm (HoSo Demo CA) và các tệp PKCS#12 mẫu."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.VAR_DIR) / "demo-pki"))
        parser.add_argument("--person", action="append", default=[])
        parser.add_argument("--school", default="")
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def handle(self, *args, out, person, school, password, **options):
        pki = demo_pki()
        directory = Path(out)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "ca.pem").write_text(pki.ca.cert_pem)
        (directory / "tsa.pem").write_text(pki.tsa.cert_pem)
        written = [directory / "ca.pem", directory / "tsa.pem"]
        for name in person or ["Nguyễn Thị Hoa"]:
            path = directory / f"{_slug(name)}.p12"
            path.write_bytes(pki.person(name).pkcs12(password))
            written.append(path)
        if school:
            path = directory / f"{_slug(school)}-con-dau.p12"
            path.write_bytes(pki.organisation(school).pkcs12(password))
            written.append(path)
        for path in written:
            self.stdout.write(str(path))
        self.stdout.write(f"Mật khẩu PKCS#12: {password}")
