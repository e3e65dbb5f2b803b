"""A small test and demo PKI: root CA "HoSo Demo CA", person, organisation-seal and TSA certificates.

EC P-256 keys (fast to generate). Never use these for real documents: the CA key lives in memory
(or, through ``signing_demo_pki``, in a directory of your choice).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from hoso.core import clock

DEMO_CA_NAME = "HoSo Demo CA"
DEMO_PASSWORD = "HoSo@2026"
#: The demo CA and TSA are valid from this moment on, whatever day they were made: a test or a
#: demo built for an earlier reference date still finds them valid.
DEMO_VALID_FROM = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass
class Issued:
    key: object  # EC or RSA private key
    cert: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)

    @property
    def cert_pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def pkcs12(self, password: str, *, name: str = "") -> bytes:
        return pkcs12.serialize_key_and_certificates(
            (name or self.cert.subject.rfc4514_string()).encode("utf-8"),
            self.key,
            self.cert,
            self.chain or None,
            serialization.BestAvailableEncryption(password.encode("utf-8")),
        )


def _name(common_name: str, *, organisation: str = "", country: str = "VN") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def _key(rsa_bits: int = 0):
    if rsa_bits:
        return rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
    return ec.generate_private_key(ec.SECP256R1())


def make_ca(common_name: str = DEMO_CA_NAME, *, years: int = 20) -> Issued:
    key = _key()
    now = clock.now()
    valid_from = min(now - timedelta(days=1), DEMO_VALID_FROM)
    name = _name(common_name, organisation="HoSo")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(key=key, cert=cert)


def issue(
    ca: Issued,
    common_name: str,
    *,
    organisation: str = "",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    tsa: bool = False,
    rsa_bits: int = 0,
) -> Issued:
    """An end-entity certificate signed by ``ca`` (signing, or time-stamping when ``tsa``).

    EC P-256 unless ``rsa_bits`` (pyHanko's DummyTimeStamper needs an RSA TSA key)."""
    key = _key(rsa_bits)
    now = clock.now()
    not_before = not_before or now - timedelta(days=1)
    not_after = not_after or now + timedelta(days=365 * 3)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation=organisation))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not tsa,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
    )
    if tsa:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    cert = builder.sign(ca.key, hashes.SHA256())
    return Issued(key=key, cert=cert, chain=[ca.cert])


@dataclass
class DemoPKI:
    ca: Issued
    tsa: Issued

    def person(self, common_name: str, **kwargs) -> Issued:
        return issue(self.ca, common_name, **kwargs)

    def organisation(self, school_name: str, **kwargs) -> Issued:
        return issue(self.ca, school_name, organisation=school_name, **kwargs)


def new_pki(ca_name: str = DEMO_CA_NAME) -> DemoPKI:
    ca = make_ca(ca_name)
    tsa = issue(
        ca,
        "HoSo Demo TSA",
        organisation="HoSo",
        tsa=True,
        rsa_bits=2048,
        not_before=ca.cert.not_valid_before_utc,
        not_after=ca.cert.not_valid_after_utc,
    )
    return DemoPKI(ca=ca, tsa=tsa)


def _load_issued(cert_path: Path, key_path: Path, chain: list[x509.Certificate]) -> Issued:
    return Issued(
        key=serialization.load_pem_private_key(key_path.read_bytes(), password=None),
        cert=x509.load_pem_x509_certificate(cert_path.read_bytes()),
        chain=chain,
    )


def save_pki(pki: DemoPKI, directory: Path) -> None:
    """Write ca.pem/ca.key and tsa.pem/tsa.key (keys unencrypted: demo only, mode 0600)."""
    directory.mkdir(parents=True, exist_ok=True)
    for stem, issued in (("ca", pki.ca), ("tsa", pki.tsa)):
        key_path = directory / f"{stem}.key"
        tmp = directory / f".{stem}.key.tmp"
        tmp.write_bytes(issued.key_pem)
        os.chmod(tmp, 0o600)
        tmp.replace(key_path)
        (directory / f"{stem}.pem").write_text(issued.cert_pem)


def load_or_create_pki(directory: Path) -> DemoPKI:
    """The demo PKI kept in ``directory`` (created on first use), so that every process (demo
    seed, web server, worker) shares one CA and one TSA."""
    try:
        ca = _load_issued(directory / "ca.pem", directory / "ca.key", [])
        tsa = _load_issued(directory / "tsa.pem", directory / "tsa.key", [ca.cert])
        now = clock.now()
        for issued in (ca, tsa):
            if not issued.cert.not_valid_before_utc <= now <= issued.cert.not_valid_after_utc:
                raise ValueError("the demo PKI is not valid at this moment")
        return DemoPKI(ca=ca, tsa=tsa)
    except (FileNotFoundError, ValueError):
        pki = new_pki()
        save_pki(pki, directory)
        return pki


@functools.cache
def demo_pki() -> DemoPKI:
    """One PKI per process, kept under ``settings.VAR_DIR / "demo-pki"``."""
    from django.conf import settings

    return load_or_create_pki(Path(settings.VAR_DIR) / "demo-pki")


def dummy_timestamper():
    """pyHanko's in-process TSA with the demo TSA certificate (tests and demos; no network).

    Point ``settings.HOSO_SIGNING_TIMESTAMPER`` at ``"hoso.signing.testpki.dummy_timestamper"``."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    pki = demo_pki()
    tsa_cert = asn1_x509.Certificate.load(pki.tsa.cert.public_bytes(serialization.Encoding.DER))
    tsa_key = asn1_keys.PrivateKeyInfo.load(
        pki.tsa.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    ca_cert = asn1_x509.Certificate.load(pki.ca.cert.public_bytes(serialization.Encoding.DER))
    return DummyTimeStamper(
        tsa_cert=tsa_cert,
        tsa_key=tsa_key,
        certs_to_embed=SimpleCertificateStore.from_certs([ca_cert]),
    )
