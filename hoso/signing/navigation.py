"""Navigation entries of this package: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.signing.policies import can_have_credentials, can_manage_seal

    if actor.school is None or actor.staff is None:
        return []
    entries = [("signing:documents", "Ký số"), ("signing:credentials", "Chữ ký số của tôi")]
    if can_manage_seal(actor):
        entries.append(("signing:seal", "Chữ ký số đơn vị"))
    return entries if can_have_credentials(actor) else []
