"""A small JSON-over-HTTP client for the providers (standard library only): a timeout, the
provider's answer or a :class:`ProviderError` that says whether trying again can help."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from hoso.notifications.channels.base import ProviderError

RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}


def post_json(url: str, payload: dict, *, headers: dict | None = None, timeout: float) -> dict:
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured URL
            raw = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:200].decode(errors="replace")
        raise ProviderError(
            f"Nhà cung cấp trả lỗi HTTP {exc.code}: {detail}".strip(),
            retryable=exc.code in RETRYABLE_STATUS,
            code=f"http_{exc.code}",
        ) from exc
    except TimeoutError as exc:
        raise ProviderError(
            f"Nhà cung cấp không trả lời sau {timeout:g} giây.", retryable=True, code="timeout"
        ) from exc
    except (urllib.error.URLError, ConnectionError, OSError) as exc:
        raise ProviderError(
            f"Không kết nối được nhà cung cấp: {getattr(exc, 'reason', exc)}",
            retryable=True,
            code="unreachable",
        ) from exc
    try:
        return json.loads(raw or b"{}")
    except ValueError as exc:
        raise ProviderError(
            "Nhà cung cấp trả lời không phải JSON.", retryable=True, code="bad_answer"
        ) from exc
