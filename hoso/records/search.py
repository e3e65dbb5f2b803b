"""Search of records (tìm kiếm hồ sơ) and the background text extraction it relies on.

**Search** (:func:`records_search`): every word typed must appear, after folding (no marks,
đ→d, casefolded: "ke hoach bai day" finds "Kế hoạch bài dạy"), in one of: the record type's name,
the period label, the owner's name (person or team), or the text inside one of the obligation's
uploaded files (PDF, DOCX). Filters: record type, owner, period text, school year. Only the
obligations the actor may see are searched (``policies.visible_obligations``), and one query answers it.

**Extraction**: the upload path calls :func:`submission_text_extract_enqueue` inside its
transaction; after commit the task :func:`extract_submission_text` reads the file from storage,
extracts its text (``textextract.py``) and fills ``text``, ``text_folded`` and
``text_extracted_at``. ``manage.py records_extract_text`` does the same for every submission never
processed (files uploaded before this existed, or a queue that was down).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django_tasks import task

from hoso.accounts.actor import Actor
from hoso.core import clock, jobs
from hoso.core.text import fold, nfc
from hoso.records import policies
from hoso.records.models import Obligation, RecordType, Submission

logger = logging.getLogger("hoso.records")

MAX_RESULTS = 100
MAX_WORDS = 8
SNIPPET = 90


# --- scope ---------------------------------------------------------------------------------------
# The same rule as every other records page (hoso.records.policies.visible_obligations): leaders,
# the administrator and inspectors see the school; staff see their own records, the school's,
# their team's, and (heads) their department's members'.


def can_search(actor: Actor) -> bool:
    return actor.school is not None and (policies.sees_all(actor) or actor.staff is not None)


def visible_obligations(actor: Actor):
    return policies.visible_obligations(actor, Obligation.objects.all())


# --- search --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    record_type_id: int | None = None
    owner_staff_id: int | None = None
    period: str = ""
    year_id: int | None = None

    @property
    def words(self) -> list[str]:
        return [w for w in fold(self.text).split(" ") if w][:MAX_WORDS]

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.record_type_id or self.owner_staff_id or self.period)


@dataclass
class Hit:
    obligation: Obligation
    submission: Submission | None  # the newest file whose text matched, or the newest file
    snippet: str = ""
    in_text: bool = False


def _matching_ids(pairs, word: str) -> list:
    return [pk for pk, name in pairs if word in fold(name)]


def records_search(actor: Actor, query: SearchQuery, *, limit: int = MAX_RESULTS) -> list[Hit]:
    """Obligations matching every word of ``query`` within the actor's scope, newest due first.

    Names of record types, teams and period labels are few per school: they are folded here and
    turned into id lists; people's names use the stored folded ``search_name``; file texts use
    ``Submission.text_folded``. One query for the obligations, one for their files."""
    from hoso.organisation.models import Department

    if query.is_empty or not can_search(actor):
        return []
    qs = visible_obligations(actor)
    if query.year_id:
        qs = qs.filter(year_id=query.year_id)
    if query.record_type_id:
        qs = qs.filter(record_type_id=query.record_type_id)
    if query.owner_staff_id:
        qs = qs.filter(owner_staff_id=query.owner_staff_id)
    words = query.words
    period_words = [w for w in fold(query.period).split(" ") if w][:MAX_WORDS]
    if words or period_words:
        types = list(RecordType.objects.filter(school=actor.school).values_list("pk", "name"))
        teams = list(Department.objects.filter(school=actor.school).values_list("pk", "name"))
        labels = list(qs.order_by().values_list("period_label", flat=True).distinct()[:5000])
        for w in period_words:
            qs = qs.filter(period_label__in=[lbl for lbl in labels if w in fold(lbl)])
        for w in words:
            in_text = Submission.objects.filter(obligation=OuterRef("pk"), text_folded__contains=w)
            qs = qs.filter(
                Q(record_type_id__in=_matching_ids(types, w))
                | Q(owner_department_id__in=_matching_ids(teams, w))
                | Q(period_label__in=[lbl for lbl in labels if w in fold(lbl)])
                | Q(owner_staff__search_name__contains=w)
                | Exists(in_text)
            )
    obligations = list(
        qs.select_related("record_type", "owner_staff", "owner_department", "year").order_by(
            "-due_at", "-pk"
        )[:limit]
    )
    files: dict[int, list[Submission]] = {}
    for sub in (
        Submission.objects.filter(obligation__in=[o.pk for o in obligations])
        .defer("text")
        .order_by("obligation_id", "-version")
    ):
        files.setdefault(sub.obligation_id, []).append(sub)
    hits: list[Hit] = []
    for o in obligations:
        subs = files.get(o.pk, [])
        chosen = next(
            (s for s in subs if words and all(w in s.text_folded for w in words)),
            next((s for s in subs if words and any(w in s.text_folded for w in words)), None),
        )
        hit = Hit(obligation=o, submission=chosen or (subs[0] if subs else None))
        hit.in_text = chosen is not None
        hits.append(hit)
    chosen_ids = [h.submission.pk for h in hits if h.in_text]
    texts = dict(Submission.objects.filter(pk__in=chosen_ids).values_list("pk", "text"))
    for h in hits:
        if h.in_text:
            h.snippet = snippet(h.submission.text_folded, texts.get(h.submission.pk, ""), words)
    return hits


def snippet(folded: str, text: str, words: list[str]) -> str:
    """A short piece of the file's text around the first word found (original spelling when the
    folded text lines up with it character for character, else the folded text)."""
    positions = [folded.find(w) for w in words if w in folded]
    if not positions:
        return ""
    at = min(positions)
    start, end = max(0, at - SNIPPET // 2), min(len(folded), at + SNIPPET)
    source = text if text and len(text) == len(folded) else folded
    piece = source[start:end].strip()
    return ("…" if start else "") + piece + ("…" if end < len(folded) else "")


# --- extraction ----------------------------------------------------------------------------------


def submission_text_extract(submission_id: int) -> bool:
    """Extract and store the text of one submission (again if asked). False if it is gone or
    its file cannot be read (then it is marked done with no text, so it is not retried forever)."""
    from hoso.records.textextract import extract_text

    sub = Submission.objects.filter(pk=submission_id).first()
    if sub is None:
        return False
    text = ""
    ok = True
    try:
        with sub.file.open("rb") as stream:
            text = extract_text(stream, content_type=sub.content_type, name=sub.original_name)
    except (OSError, ValueError):
        logger.warning("Could not read file of submission %s", submission_id)
        ok = False
    text = nfc(text)
    Submission.objects.filter(pk=submission_id).update(
        text=text, text_folded=fold(text), text_extracted_at=clock.now()
    )
    return ok


@task()
def extract_submission_text(submission_id: int) -> bool:
    """Background: fill the searchable text of one uploaded file."""
    return submission_text_extract(submission_id)


jobs.rerun_when_lost(extract_submission_text)  # recomputes: a second run does no harm


def submission_text_extract_enqueue(submission_id: int) -> None:
    """Queue the extraction of a new upload once the caller's transaction commits. If the queue
    is unavailable the submission keeps ``text_extracted_at`` empty and
    ``manage.py records_extract_text`` picks it up later."""

    def enqueue() -> None:
        try:
            extract_submission_text.enqueue(submission_id)
        except Exception:
            logger.exception("Could not enqueue text extraction of submission %s", submission_id)

    transaction.on_commit(enqueue)


def pending_extractions():
    return Submission.objects.filter(text_extracted_at__isnull=True).order_by("pk")
