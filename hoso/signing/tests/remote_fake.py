"""A stand-in remote signing provider for the tests: the "provider" holds the key in memory and
checks an OTP; it shows the RemoteSigningService seam works end to end."""

from __future__ import annotations

from hoso.core.errors import DomainError
from hoso.signing.errors import SigningErrorCode

KEYS: dict[str, object] = {}  # remote_reference -> testpki.Issued
OTP = "246810"


class FakeProvider:
    def signer(self, *, credential, secret):
        from asn1crypto import keys as asn1_keys
        from asn1crypto import x509 as asn1_x509
        from cryptography.hazmat.primitives import serialization
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        if secret != OTP:
            raise DomainError(SigningErrorCode.WRONG_SECRET, "Mã xác thực (OTP) không đúng.")
        issued = KEYS[credential.remote_reference]
        der = serialization.Encoding.DER
        return signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(issued.cert.public_bytes(der)),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                issued.key.private_bytes(
                    der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs(
                [asn1_x509.Certificate.load(c.public_bytes(der)) for c in issued.chain]
            ),
        )
