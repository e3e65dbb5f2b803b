"""The three conditions of TT 31/2023/TT-BGDĐT Điều 4 for one grade-9 student: pure functions.

Each answers ``{"ok": bool, "reason": str}``: the reason says why in Vietnamese, also when the
condition is met (the council's minutes print it). The limits and the dossier list are settings
(``HOSO_GRADUATION_*`` in hoso/settings.py): the Đ6 dossier list is UNCONFIRMED (WAVE2 §2.4).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from hoso.graduation.models import Programme

# What TT 31/2023 and the grade book say; the programme's decisions in the year results.
PROMOTED = "LEN_LOP"
REPEAT = "O_LAI_LOP"
PENDING = frozenset({"KIEM_TRA_LAI", "REN_LUYEN_HE", "REN_LUYEN_HE_VA_KIEM_TRA_LAI"})


@dataclass(frozen=True)
class DossierItem:
    code: str
    label: str
    only_with_priority: bool = False  # priority papers: only for students claiming a priority


def max_age() -> int:
    return int(getattr(settings, "HOSO_GRADUATION_MAX_AGE", 21))


def min_age_continuing() -> int:
    return int(getattr(settings, "HOSO_GRADUATION_MIN_AGE_CONTINUING", 15))


def max_rounds_general() -> int:
    return int(getattr(settings, "HOSO_GRADUATION_MAX_ROUNDS", 2))


def dossier_items() -> list[DossierItem]:
    raw = getattr(
        settings,
        "HOSO_GRADUATION_DOSSIER",
        [
            ("hoc_ba", "Học bạ", False),
            ("birth_certificate", "Bản sao giấy khai sinh", False),
            ("priority_papers", "Giấy tờ chứng nhận chế độ ưu tiên, khuyến khích", True),
        ],
    )
    return [DossierItem(code, label, bool(only)) for code, label, only in raw]


def age_in_calendar_years(birth_year: int, graduation_year: int) -> int:
    """Tuổi tính theo năm: the calendar year of the review minus the year of birth."""
    return graduation_year - birth_year


def age_condition(
    *, birth_year: int, graduation_year: int, programme: str, exception: str = ""
) -> dict:
    age = age_in_calendar_years(birth_year, graduation_year)
    if programme == Programme.CONTINUING:
        limit, ok = min_age_continuing(), age >= min_age_continuing()
        rule = f"từ {limit} tuổi trở lên (giáo dục thường xuyên)"
    else:
        limit, ok = max_age(), age <= max_age()
        rule = f"không quá {limit} tuổi (giáo dục phổ thông)"
    if ok:
        return {"ok": True, "age": age, "reason": f"{age} tuổi, trong độ tuổi quy định ({rule})."}
    if exception.strip():
        return {
            "ok": True,
            "age": age,
            "reason": f"{age} tuổi, ngoài độ tuổi ({rule}) nhưng được xét ngoại lệ: "
            f"{exception.strip()}.",
        }
    return {"ok": False, "age": age, "reason": f"{age} tuổi, không đúng độ tuổi quy định ({rule})."}


def programme_condition(
    *,
    year_result: dict | None,
    final_result: dict | None,
    absences: int | None,
    absence_limit: int,
) -> dict:
    """Completed the THCS programme: the approved grade-9 year result "Lên lớp" (or, after the
    summer, the approved final result), and at most ``absence_limit`` counted sessions missed
    in the year (TT22 Điều 12: 45 passes, 46 fails)."""
    reasons: list[str] = []
    ok = True
    decision = None
    if final_result is not None and final_result.get("final_decision") in (PROMOTED, REPEAT):
        decision = final_result["final_decision"]
        after = " sau kiểm tra lại, rèn luyện hè"
    elif year_result is not None:
        decision = year_result.get("decision")
        after = ""
    if year_result is None and final_result is None:
        ok = False
        reasons.append("Kết quả cả năm lớp 9 chưa được hiệu trưởng phê duyệt.")
    elif decision == PROMOTED:
        reasons.append(f"Hoàn thành chương trình lớp 9{after} (được lên lớp theo TT22).")
    elif decision == REPEAT:
        ok = False
        reasons.append(f"Chưa hoàn thành chương trình lớp 9{after}: ở lại lớp.")
    elif decision in PENDING:
        ok = False
        reasons.append("Chờ kết quả kiểm tra lại hoặc rèn luyện trong hè.")
    else:
        ok = False
        reasons.append("Chưa có quyết định lên lớp (kết quả cả năm chưa đủ).")
    if absences is None:
        ok = False
        reasons.append("Chưa có số buổi nghỉ học cả năm.")
    elif absences > absence_limit:
        ok = False
        reasons.append(f"Nghỉ {absences} buổi, quá {absence_limit} buổi trong năm học.")
    else:
        reasons.append(f"Nghỉ {absences} buổi (tối đa {absence_limit}).")
    return {"ok": ok, "decision": decision, "absences": absences, "reason": " ".join(reasons)}


def dossier_condition(*, dossier: dict, has_priority: bool) -> dict:
    missing = [
        item.label
        for item in dossier_items()
        if (has_priority or not item.only_with_priority) and not dossier.get(item.code)
    ]
    if missing:
        return {"ok": False, "missing": missing, "reason": "Thiếu: " + ", ".join(missing) + "."}
    return {"ok": True, "missing": [], "reason": "Hồ sơ đủ."}


CONDITION_LABELS = {
    "age": "Độ tuổi",
    "programme": "Hoàn thành chương trình THCS",
    "dossier": "Hồ sơ dự xét",
}


def evaluate(
    *,
    birth_year: int,
    graduation_year: int,
    programme: str,
    age_exception: str,
    year_result: dict | None,
    final_result: dict | None,
    absences: int | None,
    absence_limit: int,
    dossier: dict,
    has_priority: bool,
) -> tuple[bool, dict]:
    """(eligible, conditions) of one student."""
    conditions = {
        "age": age_condition(
            birth_year=birth_year,
            graduation_year=graduation_year,
            programme=programme,
            exception=age_exception,
        ),
        "programme": programme_condition(
            year_result=year_result,
            final_result=final_result,
            absences=absences,
            absence_limit=absence_limit,
        ),
        "dossier": dossier_condition(dossier=dossier, has_priority=has_priority),
    }
    return all(c["ok"] for c in conditions.values()), conditions
