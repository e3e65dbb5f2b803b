"""Numbers and symbols of documents (NĐ 30/2020 Đ15, Phụ lục III; REGULATIONS §8).

One series per register per school per calendar year, from 01 on 1 January; the counter row is
locked while a number is taken (no gaps, no reuse under concurrent clerks). Symbols:
``<n>/<TYPE>-<SCHOOL>`` (``36/KH-CVA``); công văn has no type: ``<n>/<SCHOOL>``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from hoso.correspondence.models import NumberCounter

# Phụ lục III NĐ 30/2020 (27 types) and công văn (no abbreviation).
DEFAULT_TYPES: tuple[tuple[str, str], ...] = (
    ("Công văn", ""),
    ("Nghị quyết", "NQ"),
    ("Quyết định", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Quy chế", "QC"),
    ("Quy định", "QyĐ"),
    ("Thông cáo", "TC"),
    ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"),
    ("Chương trình", "CTr"),
    ("Kế hoạch", "KH"),
    ("Phương án", "PA"),
    ("Đề án", "ĐA"),
    ("Dự án", "DA"),
    ("Báo cáo", "BC"),
    ("Biên bản", "BB"),
    ("Tờ trình", "TTr"),
    ("Hợp đồng", "HĐ"),
    ("Công điện", "CĐ"),
    ("Bản ghi nhớ", "BGN"),
    ("Bản thỏa thuận", "BTT"),
    ("Giấy ủy quyền", "GUQ"),
    ("Giấy mời", "GM"),
    ("Giấy giới thiệu", "GGT"),
    ("Giấy nghỉ phép", "GNP"),
    ("Phiếu gửi", "PG"),
    ("Phiếu chuyển", "PC"),
    ("Phiếu báo", "PB"),
)


def number_take(*, school_id: int, register: str, year: int) -> int:
    """The next number of the series (call inside the caller's transaction: the counter row
    stays locked until it commits, so a rolled-back document gives its number back)."""
    counter = (
        NumberCounter.objects.select_for_update()
        .filter(school_id=school_id, register=register, year=year)
        .first()
    )
    if counter is None:
        try:
            with transaction.atomic():
                NumberCounter.objects.create(school_id=school_id, register=register, year=year)
        except IntegrityError:  # another writer created it first
            pass
        counter = NumberCounter.objects.select_for_update().get(
            school_id=school_id, register=register, year=year
        )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def format_number(number: int) -> str:
    """Numbers below 10 are written with a leading zero ("01")."""
    return f"{number:02d}"


def format_symbol(number: int, type_abbreviation: str, school_abbreviation: str) -> str:
    """``36/KH-CVA``; công văn (no type abbreviation): ``36/CVA``."""
    tail = (
        f"{type_abbreviation}-{school_abbreviation}" if type_abbreviation else school_abbreviation
    )
    return f"{format_number(number)}/{tail}"


def default_abbreviation(school) -> str:
    """Initials of the school's name after its kind ("Trường THCS Chu Văn An" → "CVA");
    the school's code when nothing is left. Editable by the principal."""
    words = (school.short_name or school.name).split()
    skip = {
        "trường",
        "trung",
        "tâm",
        "thcs",
        "thpt",
        "th",
        "tiểu",
        "học",
        "mầm",
        "non",
        "gdtx",
        "cơ",
        "sở",
        "phổ",
        "thông",
    }
    words = [w for w in words if w.lower() not in skip and not w.isupper()]
    initials = "".join(w[0].upper() for w in words if w[0].isalpha())
    return initials or school.code.upper()
