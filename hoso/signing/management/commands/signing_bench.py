"""Measure signing and validation on 1- and 3-page PDFs (figures for docs/SIGNING.md).

    python manage.py signing_bench [--runs 5]

Uses the demo PKI (EC P-256 person key, RSA-2048 TSA) in memory, no database writes. Prints one
line per case with the median and range in milliseconds; the last line sums it up.
"""

from __future__ import annotations

import statistics
import time

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from hoso.signing import keystore
from hoso.signing.models import CredentialKind, SigningCredential
from hoso.signing.services import (
    certificate_info,
    credential_aad,
    load_pem_certs,
    reencrypt_pkcs12,
    sign_pdf,
    validate_pdf,
)
from hoso.signing.testpki import DEMO_PASSWORD, demo_pki


class _Box:
    def __init__(self, x1):
        self.page, self.x1, self.y1, self.x2, self.y2 = -1, x1, 60, x1 + 170, 125


def _pdf(pages: int) -> bytes:
    import typst

    body = ['#set page(paper: "a4")', '#set text(font: "Noto Serif", lang: "vi")', "= Học bạ"]
    for i in range(pages):
        if i:
            body.append("#pagebreak()")
        body.append(f"Trang {i + 1}. " + "Nguyễn Thị Hoa — Toán 8,5; Ngữ văn 7,0. " * 40)
    return typst.compile("\n".join(body).encode(), font_paths=["/usr/share/fonts/truetype/noto"])


def _credential(issued) -> SigningCredential:
    info = certificate_info(issued.cert, issued.chain)
    cred = SigningCredential(
        school_id=0,
        kind=CredentialKind.P12,
        certificate_pem=info.certificate_pem,
        chain_pem=info.chain_pem,
        subject_cn=info.subject_cn,
        serial=info.serial,
        fingerprint_sha256=info.fingerprint_sha256,
        not_before=info.not_before,
        not_after=info.not_after,
    )
    cred.p12_blob = keystore.wrap(
        reencrypt_pkcs12(issued.key, issued.cert, issued.chain, DEMO_PASSWORD),
        aad=credential_aad(0, info.fingerprint_sha256),
    )
    return cred


class Command(BaseCommand):
    help = "Đo thời gian ký số và kiểm tra chữ ký (1 trang, 3 trang)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)

    def _time(self, label, runs, fn):
        times, result = [], None
        for _ in range(runs):
            started = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times)
        self.stdout.write(f"{label:<58} {median:7.1f} ms  ({min(times):.0f}–{max(times):.0f})")
        return median, result

    def handle(self, *args, runs, **options):
        pki = demo_pki()
        roots = load_pem_certs(pki.ca.cert_pem)
        names = ["Đỗ Thị Lan", "Nguyễn Văn Hùng", "Trường THCS Hoà Bình"]
        creds = [_credential(pki.person(n)) for n in names]
        summary = {}
        for pages in (1, 3):
            pdf = _pdf(pages)

            def one(pdf=pdf, box=None, cred=creds[0], field="GVCN"):
                return sign_pdf(
                    pdf=pdf,
                    credential=cred,
                    secret=DEMO_PASSWORD,
                    field_name=field,
                    box=box,
                    signer_name=names[0],
                    role_label="Giáo viên chủ nhiệm",
                    audit=False,
                )

            with override_settings(HOSO_SIGNING_TIMESTAMPER="", HOSO_TSA_URL=""):
                m, _ = self._time(
                    f"{pages} trang: ký, không hiển thị, không dấu thời gian", runs, one
                )
                summary[f"sign{pages}_invisible"] = m
                m, _ = self._time(
                    f"{pages} trang: ký, dấu chữ ký Noto Serif", runs, lambda: one(box=_Box(40))
                )
                summary[f"sign{pages}_visible"] = m
            with override_settings(
                HOSO_SIGNING_TIMESTAMPER="hoso.signing.testpki.dummy_timestamper"
            ):
                m, _ = self._time(
                    f"{pages} trang: ký, dấu chữ ký + dấu thời gian (B-T)",
                    runs,
                    lambda: one(box=_Box(40)),
                )
                summary[f"sign{pages}_visible_ts"] = m
                signed = pdf
                for i, cred in enumerate(creds):
                    signed = sign_pdf(
                        pdf=signed,
                        credential=cred,
                        secret=DEMO_PASSWORD,
                        field_name=f"KY{i + 1}",
                        box=_Box(40 + i * 180),
                        signer_name=names[i],
                        role_label="Người ký",
                        audit=False,
                    )
            one_sig = one()
            m, report = self._time(
                f"{pages} trang: kiểm tra 1 chữ ký",
                runs,
                lambda one_sig=one_sig: validate_pdf(one_sig, roots=roots),
            )
            assert report.all_valid
            summary[f"validate{pages}_1sig"] = m
            m, report = self._time(
                f"{pages} trang: kiểm tra 3 chữ ký gia tăng",
                runs,
                lambda signed=signed: validate_pdf(signed, roots=roots),
            )
            assert report.all_valid and len(report.signatures) == 3
            summary[f"validate{pages}_3sig"] = m
        # A class: 45 one-page PDFs signed by three signers with sign_many (one unlock each).
        from hoso.signing.services import sign_many

        batch = [_pdf(1) for _ in range(45)]
        started = time.perf_counter()
        with override_settings(HOSO_SIGNING_TIMESTAMPER="", HOSO_TSA_URL=""):
            for i, cred in enumerate(creds):
                batch = sign_many(
                    pdfs=batch,
                    credential=cred,
                    secret=DEMO_PASSWORD,
                    field_name=f"KY{i + 1}",
                    box_for=lambda _i, _pdf, x=40 + i * 180: _Box(x),
                    signer_name=names[i],
                    role_label="Người ký",
                    audit=False,
                )
        elapsed = (time.perf_counter() - started) * 1000
        label = "45 tệp 1 trang × 3 người ký (sign_many, dấu chữ ký)"
        self.stdout.write(f"{label:<58} {elapsed:7.0f} ms")
        summary["class45x3"] = elapsed
        self.stdout.write("signing_bench " + " ".join(f"{k}={v:.0f}ms" for k, v in summary.items()))
