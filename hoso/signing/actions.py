"""Every write of the signing package: credentials and trust roots (signed documents: documents.py).

Each action runs in one transaction and writes its audit event in it. Permission checks for
people's screens are in policies.py; these actions take the already-checked owner.
"""

from __future__ import annotations

from cryptography import x509
from django.db import transaction

from hoso.audit.actions import audit_record, snapshot
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import nfc
from hoso.signing import keystore
from hoso.signing.errors import SigningErrorCode
from hoso.signing.models import CredentialKind, SigningCredential, TrustRoot
from hoso.signing.services import (
    allowed_pkcs11_libraries,
    certificate_info,
    check_validity_period,
    credential_aad,
    open_pkcs12,
    reencrypt_pkcs12,
)

MAX_P12_BYTES = 64 * 1024
CREDENTIAL_FIELDS = [
    "kind",
    "label",
    "subject_cn",
    "issuer_cn",
    "serial",
    "fingerprint_sha256",
    "not_before",
    "not_after",
    "pkcs11_library",
    "pkcs11_token_label",
    "pkcs11_key_label",
    "is_active",
    "revoked_at",
]


def _credential_from_info(*, school, owner, kind, label, info, acting_user) -> SigningCredential:
    return SigningCredential(
        school=school,
        user=owner,
        kind=kind,
        label=nfc(label)[:200] or info.subject_cn[:200],
        certificate_pem=info.certificate_pem,
        chain_pem=info.chain_pem,
        subject_cn=info.subject_cn[:300],
        issuer_cn=info.issuer_cn[:300],
        serial=info.serial[:80],
        fingerprint_sha256=info.fingerprint_sha256,
        not_before=info.not_before,
        not_after=info.not_after,
        created_by=acting_user,
    )


def credential_add_p12(
    *,
    school,
    owner,
    data: bytes,
    password: str,
    label: str = "",
    acting_user=None,
) -> SigningCredential:
    """Store an uploaded PKCS#12 for ``owner`` (a user; None = the school's organisation seal).

    Opens it with ``password`` (wrong password / not a PKCS#12 / expired → DomainError), re-exports
    it encrypted with the same password (PBES2/AES-256) and wraps that with the server key."""
    if len(data) > MAX_P12_BYTES:
        raise DomainError(SigningErrorCode.NOT_PKCS12, "Tệp chứng thư số quá lớn (tối đa 64 KB).")
    key, cert, chain = open_pkcs12(data, password)
    check_validity_period(cert)
    info = certificate_info(cert, chain)
    credential = _credential_from_info(
        school=school,
        owner=owner,
        kind=CredentialKind.P12,
        label=label,
        info=info,
        acting_user=acting_user,
    )
    credential.p12_blob = keystore.wrap(
        reencrypt_pkcs12(key, cert, chain, password),
        aad=credential_aad(school.pk, info.fingerprint_sha256),
    )
    with transaction.atomic():
        credential.save()
        audit_record(
            event_type="signing.credential_added",
            actor=acting_user,
            school_id=school.pk,
            target=credential,
            after=snapshot(credential, CREDENTIAL_FIELDS) | {"owner_id": credential.user_id},
        )
    return credential


def _read_token_certificate(*, library: str, token_label: str, key_label: str, pin: str):
    """The certificate stored on the token under ``key_label`` (checks the PIN at the same time)."""
    from pkcs11 import Attribute, ObjectClass
    from pkcs11 import exceptions as p11_exc
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as hanko_p11

    try:
        session = hanko_p11.open_pkcs11_session(
            library, token_criteria=TokenCriteria(label=token_label), user_pin=pin
        )
    except (p11_exc.PinIncorrect, p11_exc.PinInvalid, p11_exc.PinLenRange) as exc:
        raise DomainError(
            SigningErrorCode.WRONG_SECRET, "Mã PIN của thiết bị ký không đúng.", field="pin"
        ) from exc
    except Exception as exc:
        raise DomainError(
            SigningErrorCode.TOKEN_UNAVAILABLE,
            "Không tìm thấy thiết bị ký có nhãn này (kiểm tra USB token và nhãn token).",
            field="token_label",
        ) from exc
    try:
        certs = list(
            session.get_objects(
                {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: key_label}
            )
        )
        keys = list(
            session.get_objects(
                {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: key_label}
            )
        )
        if not keys:
            raise DomainError(
                SigningErrorCode.NO_PRIVATE_KEY,
                "Thiết bị ký không có khoá bí mật mang nhãn này.",
                field="key_label",
            )
        if not certs:
            return None
        return x509.load_der_x509_certificate(bytes(certs[0][Attribute.VALUE]))
    finally:
        session.close()


def credential_register_pkcs11(
    *,
    school,
    owner,
    library: str,
    token_label: str,
    key_label: str,
    pin: str,
    certificate_pem: str = "",
    chain_pem: str = "",
    label: str = "",
    acting_user=None,
) -> SigningCredential:
    """Register a key on a PKCS#11 token (USB token, HSM). The PIN is checked, never stored.

    The certificate is read from the token (object with the key's label) or given as PEM."""
    library = library.strip()
    if library not in allowed_pkcs11_libraries():
        raise DomainError(
            SigningErrorCode.LIBRARY_NOT_ALLOWED,
            "Thư viện PKCS#11 này không nằm trong danh sách được phép.",
            field="library",
        )
    token_label, key_label = nfc(token_label).strip(), nfc(key_label).strip()
    if not token_label or not key_label:
        raise DomainError(
            SigningErrorCode.BAD_INPUT, "Cần nhập nhãn token và nhãn khoá.", field="token_label"
        )
    cert = _read_token_certificate(
        library=library, token_label=token_label, key_label=key_label, pin=pin
    )
    chain: list[x509.Certificate] = []
    if certificate_pem.strip():
        try:
            cert = x509.load_pem_x509_certificate(certificate_pem.encode())
            chain = x509.load_pem_x509_certificates(chain_pem.encode()) if chain_pem.strip() else []
        except ValueError as exc:
            raise DomainError(
                SigningErrorCode.BAD_INPUT, "Chứng thư số (PEM) không hợp lệ.", field="certificate"
            ) from exc
    if cert is None:
        raise DomainError(
            SigningErrorCode.BAD_INPUT,
            "Không đọc được chứng thư số trên thiết bị; hãy dán chứng thư số (PEM).",
            field="certificate",
        )
    check_validity_period(cert)
    info = certificate_info(cert, chain)
    credential = _credential_from_info(
        school=school,
        owner=owner,
        kind=CredentialKind.PKCS11,
        label=label,
        info=info,
        acting_user=acting_user,
    )
    credential.pkcs11_library = library
    credential.pkcs11_token_label = token_label
    credential.pkcs11_key_label = key_label
    with transaction.atomic():
        credential.save()
        audit_record(
            event_type="signing.credential_added",
            actor=acting_user,
            school_id=school.pk,
            target=credential,
            after=snapshot(credential, CREDENTIAL_FIELDS) | {"owner_id": credential.user_id},
        )
    return credential


def credential_deactivate(*, credential: SigningCredential, acting_user=None) -> SigningCredential:
    """Stop using a credential (kept for the record: signatures made with it stay valid)."""
    with transaction.atomic():
        locked = SigningCredential.objects.select_for_update().get(pk=credential.pk)
        if not locked.is_active:
            return locked
        before = snapshot(locked, CREDENTIAL_FIELDS)
        locked.is_active = False
        locked.revoked_at = clock.now()
        locked.save(update_fields=["is_active", "revoked_at"])
        audit_record(
            event_type="signing.credential_deactivated",
            actor=acting_user,
            school_id=locked.school_id,
            target=locked,
            before=before,
            after=snapshot(locked, CREDENTIAL_FIELDS),
        )
    return locked


def trust_root_add(*, certificate_pem: str, name: str = "", school=None, acting_user=None):
    """Trust a CA certificate (global when ``school`` is None). Idempotent by fingerprint."""
    try:
        cert = x509.load_pem_x509_certificate(certificate_pem.encode())
    except ValueError as exc:
        raise DomainError(
            SigningErrorCode.BAD_INPUT, "Chứng thư số gốc (PEM) không hợp lệ.", field="certificate"
        ) from exc
    info = certificate_info(cert)
    with transaction.atomic():
        root, created = TrustRoot.objects.get_or_create(
            school=school,
            fingerprint_sha256=info.fingerprint_sha256,
            defaults={
                "name": nfc(name) or info.subject_cn,
                "certificate_pem": info.certificate_pem,
            },
        )
        if created:
            audit_record(
                event_type="signing.trust_root_added",
                actor=acting_user,
                school_id=school.pk if school else None,
                target=root,
                after={"name": root.name, "fingerprint_sha256": root.fingerprint_sha256},
            )
    return root


def credential_store_issued(
    *, school, owner, issued, password: str, label: str = "", acting_user=None
) -> SigningCredential:
    """Store a key and certificate we issued ourselves (demo/test PKI) as a PKCS#12 credential."""
    info = certificate_info(issued.cert, issued.chain)
    credential = _credential_from_info(
        school=school,
        owner=owner,
        kind=CredentialKind.P12,
        label=label,
        info=info,
        acting_user=acting_user,
    )
    credential.p12_blob = keystore.wrap(
        reencrypt_pkcs12(issued.key, issued.cert, issued.chain, password),
        aad=credential_aad(school.pk, info.fingerprint_sha256),
    )
    with transaction.atomic():
        credential.save()
        audit_record(
            event_type="signing.credential_added",
            actor=acting_user,
            school_id=school.pk,
            target=credential,
            after=snapshot(credential, CREDENTIAL_FIELDS) | {"owner_id": credential.user_id},
        )
    return credential


def audit_anchor_seal(*, actor, secret: str):
    """Anchor the school's audit chain now, the anchor signed with the school's seal (ADR 0009).

    The password/PIN is checked first, outside any transaction, so a wrong one is audited and
    counted for lock-out like every other unlock; the anchor itself writes its audit event."""
    import asyncio

    from cryptography.hazmat.primitives.asymmetric import ec

    from hoso.audit.anchors import Seal, anchor_chain
    from hoso.audit.models import AuditChain
    from hoso.signing.policies import can_manage_seal
    from hoso.signing.services import credential_for, unlocked_signer, verify_secret

    if not can_manage_seal(actor):
        raise PermissionDeniedError(
            SigningErrorCode.FORBIDDEN, "Chỉ người giữ chữ ký số của đơn vị được ký mốc nhật ký."
        )
    credential = credential_for(school=actor.school)
    if credential is None:
        raise DomainError(
            SigningErrorCode.CREDENTIAL_MISSING,
            "Trường chưa có chữ ký số của đơn vị đang hiệu lực: hãy thêm ở trang này trước.",
        )
    chain = AuditChain.objects.filter(school=actor.school).first()
    if chain is None or chain.last_seq == 0:
        raise DomainError(SigningErrorCode.NOT_READY, "Nhật ký truy vết của trường chưa có gì.")
    verify_secret(credential, secret)
    is_ec = isinstance(
        x509.load_pem_x509_certificate(credential.certificate_pem.encode()).public_key(),
        ec.EllipticCurvePublicKey,
    )
    with unlocked_signer(credential, secret) as signer:

        def seal(data: bytes) -> Seal:
            return Seal(
                certificate_pem=credential.certificate_pem,
                algorithm="ecdsa-sha256" if is_ec else "rsa-pkcs1v15-sha256",
                signature=asyncio.run(signer.async_sign_raw(data, "sha256")),
            )

        return anchor_chain(chain=chain, actor=actor.user, seal_signer=seal)
