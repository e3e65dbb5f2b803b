"""Public verification pages (no login), mounted at /xac-minh/ (namespace "verify").

Thin: rate limit + log + lookup live in ``verification.py``; these parse and render."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from hoso.core.context import client_ip
from hoso.core.errors import DomainError
from hoso.transcripts import verification
from hoso.transcripts.codes import normalise_code
from hoso.transcripts.errors import MESSAGES, TranscriptError


def _limited(request, error: DomainError):
    return render(
        request, "transcripts/public_limited.html", {"message": error.message}, status=429
    )


@require_http_methods(["GET", "POST"])
def index(request):
    """The form: type the code printed under the QR code, or upload the PDF."""
    typed = ""
    error = ""
    if request.method == "POST":
        typed = request.POST.get("code", "")
        code = normalise_code(typed)
        if code is not None:
            return redirect("verify:detail", code=code)
        error = MESSAGES[TranscriptError.CODE_INVALID]
    return render(
        request,
        "transcripts/public_index.html",
        {"typed": typed, "error": error, "max_mb": verification.MAX_UPLOAD_MB},
        status=400 if error else 200,
    )


def detail(request, code: str):
    try:
        view = verification.verify_code(typed=code, ip=client_ip(request))
    except DomainError as exc:
        if exc.code == TranscriptError.RATE_LIMITED:
            return _limited(request, exc)
        return render(
            request,
            "transcripts/public_index.html",
            {"typed": code, "error": exc.message, "max_mb": verification.MAX_UPLOAD_MB},
            status=400,
        )
    status = 404 if view.status == verification.Status.NOT_FOUND else 200
    return render(request, "transcripts/public_detail.html", {"view": view}, status=status)


@require_POST
def upload(request):
    try:
        report = verification.verify_upload(upload=request.FILES.get("file"), ip=client_ip(request))
    except DomainError as exc:
        if exc.code == TranscriptError.RATE_LIMITED:
            return _limited(request, exc)
        return render(
            request,
            "transcripts/public_index.html",
            {"upload_error": exc.message, "max_mb": verification.MAX_UPLOAD_MB},
            status=400,
        )
    return render(request, "transcripts/public_upload.html", {"report": report})
