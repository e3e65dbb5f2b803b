"""GIVEN a state registered with its tones WHEN the one badge tag renders it THEN the label is the
state's label and the class its tone (no per-page markup)."""

from __future__ import annotations

import pytest
from django.db import models
from django.template import Context, Template

from hoso.core import badges


class Light(models.TextChoices):
    GREEN = "green", "Xanh"
    AMBER = "amber", "Vàng"
    RED = "red", "Đỏ <b>"
    OFF = "off", "Tắt"


class Lamp:
    def __init__(self, state: str, hours: int = 0):
        self.state, self.hours = state, hours


badges.register(
    "test.light",
    Light,
    {
        Light.GREEN: badges.OK,
        Light.AMBER: lambda lamp: badges.WARN if lamp is not None and lamp.hours else "",
        Light.RED: badges.ERR,
    },
    detail=lambda lamp: f"({lamp.hours} h)" if lamp.hours else "",
)


def render(text: str, **context) -> str:
    return Template("{% load badges %}" + text).render(Context(context))


def test_a_value_gets_its_label_and_tone():
    assert render('{% state_badge "test.light" "green" %}') == '<span class="badge ok">Xanh</span>'
    assert render('{% state_badge "test.light" "off" %}') == '<span class="badge">Tắt</span>'
    assert render('{% state_badge "test.light" v %}', v="red") == (
        '<span class="badge err">Đỏ &lt;b&gt;</span>'
    )


def test_an_object_gives_its_state_detail_and_computed_tone():
    out = render('{% state_badge "test.light" lamp %}', lamp=Lamp("amber", 3))
    assert out == '<span class="badge warn">Vàng (3 h)</span>'
    assert render('{% state_badge "test.light" lamp %}', lamp=Lamp("amber")) == (
        '<span class="badge">Vàng</span>'
    )


def test_tones_for_unknown_states_and_unknown_names_are_refused():
    with pytest.raises(ValueError):
        badges.register("test.bad", Light, {"blue": badges.OK})
    with pytest.raises(LookupError):
        badges.badge_for("test.nothing", "green")


def test_every_domain_badge_is_registered():
    for name in (
        "imports.batch",
        "records.obligation",
        "records.timeliness",
        "gradebook.correction",
        "transcripts.transcript",
        "rollover.rollover",
        "archive.export",
    ):
        assert badges.badge_for(name, "").label == ""
