"""Start-up checks of the audit trail's keys (docs/SECURITY.md)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def audit_key_configured(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from hoso.audit.keys import audit_keys

    try:
        keys = audit_keys()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="audit.E001")]
    if keys.derived:
        if getattr(settings, "HOSO_PRODUCTION", False):
            return [
                checks.Error(
                    "HOSO_AUDIT_KEYS is not set in production mode: the audit trail would be "
                    "keyed with a key derived from SECRET_KEY.",
                    hint="HOSO_AUDIT_KEYS=<id>:<secret of 32+ characters> (docs/SECURITY.md)",
                    id="audit.E002",
                )
            ]
        if getattr(settings, "HOSO_LOCAL_MACHINE", False):
            return []  # nobody's server (DEBUG or local host names only): the derived key is fine
        return [
            checks.Warning(
                "HOSO_AUDIT_KEYS is not set: the audit trail is keyed with a key derived from "
                "SECRET_KEY. Production must set its own key, kept outside the database.",
                hint="HOSO_AUDIT_KEYS=<id>:<secret of 32+ characters> (docs/SECURITY.md)",
                id="audit.W001",
            )
        ]
    return []
