"""Links other packages add to a student's page.

Packages above ``students`` (transfers, say) know more about a student than the kernel may
import: they register a link here in their ``AppConfig.ready()``, and the student's page shows
the links whose ``visible`` says so for the person looking. ``students`` never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StudentLink:
    key: str
    label: str
    url: Callable[[Any], str]  # student -> address
    visible: Callable[[Any, Any], bool]  # (actor, student) -> shown?


_LINKS: dict[str, StudentLink] = {}


def register_link(link: StudentLink) -> None:
    """Add (or replace, by key) a link of the student's page."""
    _LINKS[link.key] = link


def links_for(actor, student) -> list[tuple[str, str]]:
    """(label, address) of the registered links this person may follow, in key order."""
    return [
        (link.label, link.url(student))
        for key, link in sorted(_LINKS.items())
        if link.visible(actor, student)
    ]
