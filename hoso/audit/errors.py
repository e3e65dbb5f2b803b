"""Error codes of the audit trail; each DomainError carries one and a Vietnamese message."""

from __future__ import annotations

from enum import StrEnum


class AuditErrorCode(StrEnum):
    CHAIN_BROKEN = "audit.chain_broken"  # refused to anchor a chain that does not verify
    ANCHOR_FILE = "audit.anchor_file"  # the anchors file cannot be written
    FORBIDDEN = "audit.forbidden"
