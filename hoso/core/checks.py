"""Start-up checks (Django system checks): in production mode (HOSO_PRODUCTION=1) a missing or
weak setting is an Error, so `check`, `runserver`, `migrate` and the WSGI application (wsgi.py)
refuse to start with the reason; outside production mode the same findings are Warnings.

Registered by ``CoreConfig.ready``; the messages name the environment variable to set."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Warning, register

from hoso.core.publicurl import configured_public_url_refusal

#: Django's own rule for a strong SECRET_KEY (security.W009), required in production mode.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5
STORE_KEY_MIN_LENGTH = 32


def _finding(production: bool, number: int, message: str, hint: str):
    if production:
        return Error(message, hint=hint, id=f"hoso.E{number:03d}")
    if getattr(settings, "HOSO_LOCAL_MACHINE", False):
        return None  # nobody's server (DEBUG or local host names only): development keys are fine
    return Warning(
        message + " (chưa ở chế độ vận hành HOSO_PRODUCTION=1: chỉ là cảnh báo)",
        hint=hint,
        id=f"hoso.W{number:03d}",
    )


@register("hoso", "security")
def check_production_settings(app_configs=None, **kwargs):
    production = bool(getattr(settings, "HOSO_PRODUCTION", False))
    found = []
    problem = configured_public_url_refusal()
    if problem:
        found.append(
            _finding(
                production,
                1,
                problem,
                "Đặt HOSO_PUBLIC_URL là địa chỉ https mà mọi người mở được; mã QR trên học bạ "
                "trỏ tới HOSO_PUBLIC_URL/xac-minh/…",
            )
        )
    key = settings.SECRET_KEY or ""
    if (
        key == getattr(settings, "DEV_SECRET_KEY", None)
        or key.startswith("django-insecure-")
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE
    ):
        found.append(
            _finding(
                production,
                2,
                "HOSO_SECRET_KEY chưa đặt, là khóa mặc định dùng khi phát triển, hoặc quá yếu "
                f"(cần ít nhất {SECRET_KEY_MIN_LENGTH} ký tự ngẫu nhiên).",
                'Tạo khóa: python -c "import secrets; print(secrets.token_urlsafe(64))"',
            )
        )
    store_key = getattr(settings, "HOSO_SIGNING_STORE_KEY", "") or ""
    if len(store_key) < STORE_KEY_MIN_LENGTH or store_key == key:
        found.append(
            _finding(
                production,
                3,
                "HOSO_SIGNING_STORE_KEY (khóa bọc các tệp chứng thư số đã lưu) chưa đặt, quá ngắn "
                f"(cần ít nhất {STORE_KEY_MIN_LENGTH} ký tự) hoặc trùng HOSO_SECRET_KEY.",
                "Đặt một khóa ngẫu nhiên riêng và giữ nguyên nó: đổi khóa thì phải tải lại các "
                "chứng thư số đã lưu (docs/SIGNING.md).",
            )
        )
    if production and settings.DEBUG:
        found.append(
            Error(
                "HOSO_DEBUG=1 trong chế độ vận hành: lỗi sẽ hiện chi tiết mã nguồn cho người dùng.",
                hint="Bỏ HOSO_DEBUG (hoặc đặt HOSO_DEBUG=0).",
                id="hoso.E004",
            )
        )
    return [finding for finding in found if finding is not None]


def refuse_on_errors() -> None:
    """In production mode, raise ``SystemCheckError`` (the messages of every Error found by the
    security checks — ours and the audit keys') — for the WSGI application, which Django does
    not check when it loads. Only that tag: each server process runs this at start, and the
    model, URL and template checks are `migrate`'s and `check`'s business."""
    if not getattr(settings, "HOSO_PRODUCTION", False):
        return
    from django.core.checks import ERROR, Tags, run_checks
    from django.core.management.base import SystemCheckError

    found = run_checks(tags=[Tags.security])
    errors = [m for m in found if m.level >= ERROR and not m.is_silenced()]
    if errors:
        raise SystemCheckError(
            "HoSo không khởi động được:\n" + "\n".join(f"{m.id}: {m.msg}" for m in errors)
        )
