"""Học bạ số over JSON, for the higher-level database (Sở/Phòng) and scripts:

* ``GET /transcripts?class_id=&state=`` — the transcripts the caller may see (brief);
* ``GET /transcripts/{id}`` — one transcript with its status, hashes and signers, and its
  machine-readable data when issued or revoked (the same canonical JSON as embedded in the PDF;
  reading it is audited like a download).

Same policies as the pages: out of scope → 404, out of role → 403. Mount with
``api.add_router("/transcripts", build_router())`` in hoso/api/api.py."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from hoso.api.auth import api_actor
from hoso.api.schemas import ERRORS
from hoso.transcripts import actions, engines, policies
from hoso.transcripts.models import Transcript
from hoso.transcripts.verification import transcript_signers


class SignerOut(Schema):
    role: str
    name: str
    at: datetime


class TranscriptBriefOut(Schema):
    id: int
    code: str = Field(description="Mã tra cứu công khai (XXXX-XXXX).")
    student_id: int
    student_code: str
    class_name: str
    year: str
    version: int
    state: str
    state_label: str
    data_hash: str = Field(description="SHA-256 của JSON chuẩn hóa.")
    pdf_sha256: str
    issued_at: datetime | None
    revoked_at: datetime | None
    replaced_by_id: int | None
    stale: bool = Field(description="Dữ liệu đã thay đổi sau khi cấp: cần thu hồi và cấp lại.")


class TranscriptOut(TranscriptBriefOut):
    ruleset_version: str
    revoke_reason: str
    verify_url: str
    signers: list[SignerOut]
    data: dict[str, Any] | None = Field(
        None, description="Dữ liệu học bạ (chỉ khi đã cấp hoặc đã thu hồi)."
    )


def _brief(t: Transcript) -> dict:
    return {
        "id": t.pk,
        "code": t.code,
        "student_id": t.student_id,
        "student_code": t.student.student_code,
        "class_name": t.school_class.name,
        "year": t.year.name,
        "version": t.version,
        "state": t.state,
        "state_label": t.get_state_display(),
        "data_hash": t.data_hash,
        "pdf_sha256": t.pdf_sha256,
        "issued_at": t.issued_at,
        "revoked_at": t.revoked_at,
        "replaced_by_id": t.replaced_by_id,
        "stale": t.stale_since is not None,
    }


def build_router() -> Router:
    router = Router(tags=["transcripts"])

    @router.get("", response={200: list[TranscriptBriefOut], **ERRORS}, summary="Các học bạ số")
    def transcript_list(
        request: HttpRequest,
        class_id: int | None = Query(None, description="Chỉ học bạ của lớp này."),
        state: str | None = Query(None, description="Chỉ học bạ ở trạng thái này (issued, …)."),
    ):
        actor = api_actor(request)
        if not policies.can_use(actor):
            raise Http404
        qs = policies.visible_transcripts(actor).select_related("student", "school_class", "year")
        if actor.year is not None:
            qs = qs.filter(year=actor.year)
        if class_id is not None:
            qs = qs.filter(school_class_id=class_id)
        if state:
            qs = qs.filter(state=state)
        return [_brief(t) for t in qs.order_by("school_class_id", "student__sort_name", "-version")]

    @router.get(
        "/{transcript_id}",
        response={200: TranscriptOut, **ERRORS},
        url_name="transcript_detail",
        summary="Một học bạ số",
    )
    def transcript_detail(request: HttpRequest, transcript_id: int):
        actor = api_actor(request)
        if not policies.can_use(actor):
            raise Http404
        t = policies.access_transcript(actor, transcript_id)
        data = None
        # The data itself goes to those who may export it (audited); others see the status.
        if t.state in (Transcript.State.ISSUED, Transcript.State.REVOKED) and (
            policies.can_export(actor, t)
        ):
            data = json.loads(actions.transcript_json_download(actor=actor, transcript=t))
        signers = [{"role": s.role, "name": s.name, "at": s.at} for s in transcript_signers(t)]
        return {
            **_brief(t),
            "ruleset_version": t.ruleset_version,
            "revoke_reason": t.revoke_reason,
            "verify_url": engines.public_url(t.code),
            "signers": signers,
            "data": data,
        }

    return router


router = build_router()
