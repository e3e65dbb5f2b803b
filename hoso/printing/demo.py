"""Demo data of this package, called by hoso.demo.actions.demo_seed after the schools exist."""

from __future__ import annotations

from datetime import date


def seed_demo(school, year, *, today: date) -> None:
    """Printing has no demo data of its own (its pages print what the other packages seeded)."""
    return None
