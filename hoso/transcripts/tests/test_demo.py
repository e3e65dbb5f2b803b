import time

import pytest

from hoso.core import clock
from hoso.demo.transcripts import seed_demo
from hoso.transcripts.models import Transcript

pytestmark = pytest.mark.django_db


def test_demo_drafts_a_few_transcripts_quickly_and_only_once(world):
    started = time.perf_counter()
    seed_demo(world.school, world.year, today=clock.today())
    assert time.perf_counter() - started < 1.5
    t = Transcript.objects.get()
    assert t.student == world.student_a and t.state == "draft" and t.pdf_sha256
    seed_demo(world.school, world.year, today=clock.today())
    assert Transcript.objects.count() == 1
