"""Documents that render grade-book results and must follow when the results change.

Transcripts (học bạ) and signed books store the hash of the data they rendered; when a correction
is applied, or approved results are reopened or approved again, they are rechecked in the
background after commit: a changed draft is superseded and redrafted, and the signers it needs are
asked again (see hoso/transcripts and hoso/signing). Nothing here changes a signed document."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def results_changed(*, school_id: int, year_id: int, student_ids: list[int]) -> None:
    """Call inside the transaction that changed the results; the rechecks run after commit."""
    from hoso.signing.tasks import refresh_documents
    from hoso.transcripts.actions import transcripts_on_results_changed

    transcripts_on_results_changed(year=year_id, student_ids=student_ids)

    def documents() -> None:
        try:
            refresh_documents.enqueue(school_id)
        except Exception:  # the nightly signing_refresh catches up
            logger.exception(
                "Could not enqueue the signed-documents refresh of school %s", school_id
            )

    transaction.on_commit(documents)
