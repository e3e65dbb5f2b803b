from hoso.transcripts import actions
from hoso.transcripts.models import Transcript
from hoso.transcripts.tests.conftest import PASSWORD


def test_lifecycle_smoke(world, signers):
    a = world.actor
    r = actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    assert len(r.created) == 1
    actions.transcripts_homeroom_sign(
        actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
    )
    actions.transcripts_check(actor=a("vice"), school_class=world.class_a, approve=True)
    actions.transcripts_principal_sign(
        actor=a("principal"), school_class=world.class_a, secret=PASSWORD
    )
    actions.transcripts_issue(actor=a("clerk"), school_class=world.class_a, secret=PASSWORD)
    t = Transcript.objects.get()
    assert t.state == "issued"
