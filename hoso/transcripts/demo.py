"""Demo data of this package, called by hoso.demo.actions.demo_seed after the schools exist."""

from __future__ import annotations


def seed_demo(school, year) -> None:
    return None
