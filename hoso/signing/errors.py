"""Error codes of the signing package; each DomainError carries one and a Vietnamese message."""

from __future__ import annotations

from enum import StrEnum


class SigningErrorCode(StrEnum):
    WRONG_SECRET = "signing.wrong_secret"  # wrong PKCS#12 password or token PIN
    TOO_MANY_ATTEMPTS = "signing.too_many_attempts"  # too many wrong secrets lately
    NOT_PKCS12 = "signing.not_pkcs12"
    NO_PRIVATE_KEY = "signing.no_private_key"
    CERT_EXPIRED = "signing.cert_expired"
    CERT_NOT_YET_VALID = "signing.cert_not_yet_valid"
    CREDENTIAL_INACTIVE = "signing.credential_inactive"
    CREDENTIAL_MISSING = "signing.credential_missing"
    TOKEN_UNAVAILABLE = "signing.token_unavailable"
    LIBRARY_NOT_ALLOWED = "signing.library_not_allowed"
    REMOTE_NOT_CONFIGURED = "signing.remote_not_configured"
    NOT_A_PDF = "signing.not_a_pdf"
    FIELD_ALREADY_SIGNED = "signing.field_already_signed"
    KEY_STORE_BROKEN = "signing.key_store_broken"
    BAD_INPUT = "signing.bad_input"
    FORBIDDEN = "signing.forbidden"
    NOT_YOUR_TURN = "signing.not_your_turn"
    NOT_A_SIGNER = "signing.not_a_signer"
    ALREADY_SIGNED = "signing.already_signed"
    SUPERSEDED = "signing.superseded"
    NOT_READY = "signing.not_ready"
    RENDER_UNAVAILABLE = "signing.render_unavailable"
