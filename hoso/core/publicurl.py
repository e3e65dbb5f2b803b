"""The public address of the site (HOSO_PUBLIC_URL): printed in transcripts' QR codes, so it must
be reachable by anyone who scans one — not localhost, not a private or link-local address."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def public_url_problem(url: str, *, require_https: bool = False) -> str | None:
    """Why ``url`` cannot be the site's public address (a Vietnamese sentence), or None."""
    url = (url or "").strip()
    if not url:
        return "Chưa đặt địa chỉ công khai HOSO_PUBLIC_URL (ví dụ https://hoso.truong.edu.vn)."
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"Địa chỉ công khai HOSO_PUBLIC_URL “{url}” không phải là địa chỉ http(s) hợp lệ."
    if is_local_host(parts.hostname):
        return (
            f"Địa chỉ công khai HOSO_PUBLIC_URL “{url}” chỉ dùng được trong máy hoặc mạng nội bộ "
            "(localhost, địa chỉ riêng): người quét mã QR trên học bạ sẽ không mở được."
        )
    if require_https and parts.scheme != "https":
        return f"Địa chỉ công khai HOSO_PUBLIC_URL “{url}” phải dùng https."
    if parts.query or parts.fragment:
        return f"Địa chỉ công khai HOSO_PUBLIC_URL “{url}” không được có phần ?… hay #…."
    return None


def is_local_host(host: str) -> bool:
    """localhost (and *.localhost), a name without a dot (an intranet name), or a loopback,
    private, link-local or unspecified IP address."""
    host = host.strip("[]").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost" or host.endswith(".localhost") or "." not in host
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_reserved
    )


def configured_public_url_refusal() -> str | None:
    """Why this server's HOSO_PUBLIC_URL may not go into a transcript, or None: a local or
    private address is tolerated only on a machine that is nobody's server
    (HOSO_ALLOW_LOCAL_PUBLIC_URL), never in production mode, where it must also be https."""
    from django.conf import settings

    production = bool(getattr(settings, "HOSO_PRODUCTION", False))
    problem = public_url_problem(getattr(settings, "HOSO_PUBLIC_URL", ""), require_https=production)
    if problem and (production or not getattr(settings, "HOSO_ALLOW_LOCAL_PUBLIC_URL", False)):
        return problem
    return None
