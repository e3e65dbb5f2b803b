"""Reading about the demo: which demo schools exist, and the well-known logins to show."""

from __future__ import annotations

from hoso.demo import data
from hoso.demo.builder import well_known_username
from hoso.organisation.models import School


def demo_logins() -> list[tuple[str, str, str]]:
    """(role label, username, school short name) of the well-known demo accounts, in order.

    Static: the same list whether or not the demo has been seeded (see :func:`demo_present`).
    """
    out = []
    for spec in data.SCHOOLS:
        for key, _role in data.WELL_KNOWN:
            out.append((spec.login_labels[key], well_known_username(spec, key), spec.short_name))
        if spec.code == data.INSPECTOR_SCHOOL:
            out.append((data.INSPECTOR_LABEL, data.INSPECTOR_USERNAME, spec.short_name))
    return out


def demo_present() -> bool:
    """True when every demo school exists."""
    codes = [s.code for s in data.SCHOOLS]
    return School.objects.filter(code__in=codes).count() == len(codes)


def format_logins_table(rows: list[tuple[str, str, str]]) -> str:
    headers = ("Vai trò", "Tên đăng nhập", "Trường")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    out = [headers, *rows]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in out]
    lines.insert(1, line)
    lines += [line, f"Mật khẩu chung của mọi tài khoản mẫu: {data.DEMO_PASSWORD}"]
    return "\n".join(lines)


def demo_verification_codes() -> list[tuple[str, str]]:
    """(what, code) of last year's demo transcripts to try on the public page /xac-minh/<code>:
    one issued, one revoked, its replacement. Empty when the demo has none."""
    from hoso.transcripts.models import Transcript

    codes = [s.code for s in data.SCHOOLS]
    found = Transcript.objects.filter(school__code__in=codes, year__is_closed=True)
    out = []
    revoked = found.filter(state=Transcript.State.REVOKED).order_by("pk").first()
    issued = (
        found.filter(state=Transcript.State.ISSUED, supersedes__isnull=True).order_by("pk").first()
    )
    if issued is not None:
        out.append(("Học bạ đã cấp", issued.code))
    if revoked is not None:
        out.append(("Học bạ đã thu hồi", revoked.code))
        if revoked.replaced_by_id:
            out.append(("Học bạ cấp lại thay bản đã thu hồi", revoked.replaced_by.code))
    return out
