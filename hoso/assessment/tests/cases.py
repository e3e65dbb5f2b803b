"""Generated secondary cases for comparing implementations (deterministic for a seed).

``clean_student`` builds students like bench/rules.py (8–9 score subjects, 3–4 comment subjects,
realistic scores, often near the level thresholds); ``generated_cases`` adds odd inputs that take
every careful path of the engine: string and invalid scores, missing values, exemptions, per-subject
counts, topics, bad shapes, training/absence/grade variants, re-test and summer results, case
parameters, and the other rule sets. Only JSON values are produced, so a case survives a JSON round
trip unchanged.
"""

from __future__ import annotations

import copy
import random
from typing import Any

LOWER = [
    ("NGU_VAN", "Ngữ văn", "score", 140),
    ("TOAN", "Toán", "score", 140),
    ("NGOAI_NGU", "Ngoại ngữ 1", "score", 105),
    ("GDCD", "Giáo dục công dân", "score", 35),
    ("LS_DL", "Lịch sử và Địa lí", "score", 105),
    ("KHTN", "Khoa học tự nhiên", "score", 140),
    ("CONG_NGHE", "Công nghệ", "score", 52),
    ("TIN_HOC", "Tin học", "score", 35),
    ("GDTC", "Giáo dục thể chất", "comment", 70),
    ("NGHE_THUAT", "Nghệ thuật", "comment", 70),
    ("HDTN", "Hoạt động trải nghiệm, hướng nghiệp", "comment", 105),
    ("GDDP", "Nội dung giáo dục của địa phương", "comment", 35),
]
UPPER = [
    ("NGU_VAN", "Ngữ văn", "score", 105),
    ("TOAN", "Toán", "score", 105),
    ("NGOAI_NGU", "Ngoại ngữ 1", "score", 105),
    ("LICH_SU", "Lịch sử", "score", 52),
    ("GDQP", "Giáo dục quốc phòng và an ninh", "score", 35),
    ("VAT_LI", "Vật lí", "score", 70),
    ("HOA_HOC", "Hóa học", "score", 70),
    ("SINH_HOC", "Sinh học", "score", 70),
    ("TIN_HOC", "Tin học", "score", 70),
    ("GDTC", "Giáo dục thể chất", "comment", 70),
    ("HDTN", "Hoạt động trải nghiệm, hướng nghiệp", "comment", 105),
    ("GDDP", "Nội dung giáo dục của địa phương", "comment", 35),
]
LEVELS = ["T", "K", "D", "CD"]
ODD_SCORES: list[Any] = [
    "7,5", "7.5", " 8 ", "10", "0", 0, 1, 0.0, 1.0, 10, 10.0, "8,0", "9,", ",5", ".5",
    11, -1, 10.1, 7.25, "7,25", "abc", "", True, False, None, [7], {"v": 7}, 1e300, -0.0,
    123456789012345678901234567890, "NaN", "1e1",
]  # fmt: skip
ODD_MARKS: list[Any] = ["D", "CD", "Đ", "CĐ", "Đạt", "Chưa đạt", "X", "d", None, 1, True, [], "T"]
ODD_LEVELS: list[Any] = [
    "T", "K", "D", "CD", "Đ", "CĐ", "Tốt", "Khá", "Đạt", "Chưa đạt", "X", None, 3, [], "t",
]  # fmt: skip
VALID_PARAMS: list[dict[str, Any]] = [
    {"absence_limit": 30},
    {"min_subjects": 5},
    {"summer_before_retest": False},
    {"comment_year_rule": "both_terms"},
    {"missing_periodic_as_zero": True},
    {"adjustment": False},
    {"adjustment_includes_comment_subjects": False},
    {"topic_counts_as_regular": False},
    {"regular_count_bands": [[35, 1], [70, 2]], "regular_count_above": 3},
    {"comment_pass_ratio": [1, 2], "comment_final_must_pass": False},
    {"excellent_min": 85, "excellent_min_subjects": 4, "learner": "học viên", "head": "Giám đốc"},
    {"good_all_min": 60, "good_count_min": 75, "pass_max_comment_fail": 2, "retest_below": 45},
    {"final_grades": [9, 12]},
]
BAD_PARAMS: list[Any] = [{"no_such": 1}, {"absence_limit": "many"}, {"adjustment": 1}, [1], "x"]


def _score(rng: random.Random, ability: float) -> Any:
    tenths = min(100, max(0, round(rng.gauss(ability, 1.3) * 10)))
    if rng.random() < 0.6:
        tenths = tenths - tenths % 5
    return tenths // 10 if tenths % 10 == 0 else tenths / 10


def clean_student(rng: random.Random, ruleset: str | None = None) -> dict[str, Any]:
    """A student as a school enters one: every value present and valid."""
    grade = rng.randint(6, 12)
    plan = LOWER if grade <= 9 else UPPER
    ability = rng.choice([3.5, 4.5, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5])
    fail_rate = rng.choice([0.0, 0.02, 0.1, 0.4])
    subjects = []
    for code, name, kind, periods in plan:
        subject: dict[str, Any] = {
            "code": code,
            "name": name,
            "assessment": kind,
            "periods_per_year": periods,
        }
        local = ability + rng.gauss(0, 0.8)
        for term in ("term1", "term2"):
            if kind == "score":
                count = (2 if periods <= 35 else 3 if periods <= 70 else 4) + rng.choice(
                    [0, 0, 0, 1, 2]
                )
                subject[term] = {
                    "regular": [_score(rng, local) for _ in range(count)],
                    "midterm": _score(rng, local),
                    "final": _score(rng, local),
                }
            else:

                def mark() -> str:
                    return "CD" if rng.random() < fail_rate else "D"

                subject[term] = {
                    "regular": [mark() for _ in range(2 + rng.choice([0, 0, 1]))],
                    "midterm": mark(),
                    "final": mark(),
                }
        subjects.append(subject)
    if rng.random() < 0.15:  # one very low subject: the Điều 9 k3 adjustment
        low = rng.choice([s for s in subjects if s["assessment"] == "score"])
        for term in ("term1", "term2"):
            low[term]["midterm"] = low[term]["final"] = rng.choice([1, 2.5, 3, 3.4, 3.5, 4.9])
    if rng.random() < 0.1:
        rng.shuffle(subjects)
    training = rng.choices(LEVELS, weights=(55, 25, 12, 8), k=2)
    absences = rng.randint(0, 60) if rng.random() < 0.1 else rng.randint(0, 10)
    return {
        "ruleset": ruleset or rng.choice(["TT22_2021", "TT22_2021", "TT43_2021"]),
        "grade": grade,
        "subjects": subjects,
        "training": {"term1": training[0], "term2": training[1]},
        "absences": absences,
    }


def _mutate_subject(rng: random.Random, subject: Any) -> Any:
    if not isinstance(subject, dict):
        return subject
    choice = rng.randrange(24)
    term = subject.get(rng.choice(["term1", "term2"]))
    score = subject.get("assessment") == "score"
    odd = ODD_SCORES if score else ODD_MARKS
    if choice == 0:
        return rng.choice([None, 5, "TOAN", [], [subject]])
    if choice == 1:
        subject.pop("code", None)
    elif choice == 2:
        subject["code"] = rng.choice(["", 5, None, ["x"], "TOAN", "NGU_VAN"])
    elif choice == 3:
        subject["name"] = rng.choice(["", None, 5, "Môn <mới>", "Toán (nâng cao) [A]"])
    elif choice == 4:
        subject.pop("name", None)
    elif choice == 5:
        subject["assessment"] = rng.choice(["grade", None, "SCORE", 1])
    elif choice == 6:
        subject["exempt"] = rng.choice([True, True, False, "yes"])
    elif choice == 7:
        subject["regular_required"] = rng.choice([0, 1, 2, 5, -1, "3", True, 2.0])
    elif choice == 8:
        subject["periods_per_year"] = rng.choice(
            [None, 0, -5, "70", True, 70.5, 1, 35, 36, 71, 1e9]
        )
    elif choice == 9 and isinstance(term, dict):
        term["topic"] = rng.choice(odd[:12] + [None])
    elif choice == 10 and isinstance(term, dict):
        term["regular"] = rng.choice([None, "8", [], [[]], {"a": 1}, 7])
    elif choice == 11 and isinstance(term, dict):
        term.pop(rng.choice(["midterm", "final", "regular"]), None)
    elif choice == 12:
        subject[rng.choice(["term1", "term2"])] = rng.choice([None, [], "x", 5])
    elif choice == 13:
        subject.pop(rng.choice(["term1", "term2"]), None)
    elif (
        choice in (14, 15, 16) and isinstance(term, dict) and isinstance(term.get("regular"), list)
    ):
        regular = term["regular"]
        if regular:
            regular[rng.randrange(len(regular))] = rng.choice(odd)
    elif choice in (17, 18) and isinstance(term, dict):
        term[rng.choice(["midterm", "final"])] = rng.choice(odd)
    elif choice == 19 and isinstance(term, dict) and isinstance(term.get("regular"), list):
        term["regular"] = term["regular"][: rng.randint(0, 2)]
    elif choice == 20 and isinstance(term, dict) and isinstance(term.get("regular"), list):
        term["regular"] = term["regular"] + [rng.choice(odd[:10])] * rng.randint(1, 3)
    elif choice == 21:
        subject["assessment"] = "comment" if score else "score"
    elif choice == 22:
        subject["extra"] = {"ignored": [1, 2]}
    return subject


def mutated(rng: random.Random, case: dict[str, Any]) -> dict[str, Any]:
    """``case`` with a few odd inputs."""
    case = copy.deepcopy(case)
    subjects = case["subjects"]
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if subjects and rng.random() < 0.7:
            i = rng.randrange(len(subjects))
            subjects[i] = _mutate_subject(rng, subjects[i])
            continue
        choice = rng.randrange(14)
        if choice == 0:
            case["subjects"] = rng.choice([None, {}, "x", []])
            subjects = []
        elif choice == 1 and subjects:
            del subjects[rng.randrange(len(subjects)) :]
        elif choice == 2:
            case["training"] = rng.choice([None, [], "T", {}, {"term1": "T"}])
        elif choice == 3:
            case["training"] = {
                "term1": rng.choice(ODD_LEVELS),
                "term2": rng.choice(ODD_LEVELS),
                **({"summer": rng.choice(ODD_LEVELS)} if rng.random() < 0.5 else {}),
            }
        elif choice == 4 and isinstance(case.get("training"), dict):
            case["training"]["summer"] = rng.choice(ODD_LEVELS)
        elif choice == 5:
            case["absences"] = rng.choice([None, -1, 0, 45, 46, 100, 10.0, 10.5, "5", True, [3]])
        elif choice == 6:
            case["grade"] = rng.choice([9, 12, 6, 10, "9", 9.0, None, [9], 13])
        elif choice == 7:
            case["disabled"] = rng.choice([True, False, "yes", 1])
        elif choice == 8:
            case["retest"] = rng.choice([[], "x", 5, {"NOPE": 7}])
        elif choice == 9:
            case["params"] = rng.choice(VALID_PARAMS)
        elif choice == 10:
            case["params"] = rng.choice(BAD_PARAMS)
        elif choice == 11:
            subjects.append(copy.deepcopy(rng.choice(subjects)) if subjects else 5)
        elif choice == 12:
            case.pop(rng.choice(["training", "absences", "grade", "subjects"]), None)
        else:
            case["ruleset"] = rng.choice([None, "TT58_2011", "NOPE", 22, "TT27_2020"])
    return case


def with_follow_up(rng: random.Random, case: dict[str, Any], result: dict[str, Any]) -> Any:
    """``case`` plus summer and re-test results suited to its first ``result`` (or ``None``)."""
    decision = result.get("decision")
    if decision not in ("REN_LUYEN_HE", "KIEM_TRA_LAI", "REN_LUYEN_HE_VA_KIEM_TRA_LAI"):
        return None
    case = copy.deepcopy(case)
    if decision != "KIEM_TRA_LAI" and isinstance(case.get("training"), dict):
        case["training"]["summer"] = rng.choice(["T", "K", "D", "CD", "X", None])
    retest: dict[str, Any] = {}
    kinds = {
        s.get("code"): s.get("assessment")
        for s in case.get("subjects") or []
        if isinstance(s, dict)
    }
    for code in result.get("retest_subjects", []):
        if rng.random() < 0.85:
            if kinds.get(code) == "score":
                retest[code] = rng.choice([5, 6.5, 8, 3, "5,5", 11, "x", 10])
            else:
                retest[code] = rng.choice(["D", "D", "CD", "X"])
    if rng.random() < 0.2:
        retest["NOT_RETESTED"] = 7
    if retest or rng.random() < 0.5:
        case["retest"] = retest
    return case


def generated_cases(count: int, seed: int = 20211, *, evaluate: Any = None) -> list[Any]:
    """``count`` cases: about half clean, the others with odd inputs or follow-up results.

    ``evaluate`` (a reference implementation) is used to add suitable summer and re-test results.
    """
    rng = random.Random(seed)
    cases: list[Any] = []
    while len(cases) < count:
        case = clean_student(rng)
        roll = rng.random()
        if roll < 0.45:
            cases.append(case)
        elif roll < 0.85:
            cases.append(mutated(rng, case))
        else:
            follow = with_follow_up(rng, case, evaluate(case)) if evaluate else None
            cases.append(follow if follow is not None else mutated(rng, case))
    return cases[:count]
