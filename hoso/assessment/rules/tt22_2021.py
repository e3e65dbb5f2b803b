"""Thông tư 22/2021/TT-BGDĐT — assessment of THCS and THPT students (REGULATIONS.md §1).

The defaults of :class:`~.secondary.SecondaryParams` *are* TT22: ĐĐGtx counts 2/3/4 by the 35/70
period bands, ĐTBmhk = (ΣĐĐGtx + 2·gk + 3·ck)/(n + 5), ĐTBmcn = (HK I + 2·HK II)/3, levels with
"at least 6 subjects", the 45-session limit, Xuất sắc with ≥ 6 subjects ≥ 9,0.

UNCONFIRMED items (defaults chosen, each a parameter): chuyên đề counts as one ĐĐGtx
(``topic_counts_as_regular``); missing periodic result is not filled with 0
(``missing_periodic_as_zero``); comment subject term Đạt = ≥ 2/3 Đạt incl. cuối kì and year = HK II
(``comment_pass_ratio``, ``comment_final_must_pass``, ``comment_year_rule``); the Điều 9 k3 adjustment
may be caused by a comment subject (``adjustment_includes_comment_subjects``); both training and
learning Chưa đạt → summer training before re-test (``summer_before_retest``).
"""

from __future__ import annotations

from .secondary import SecondaryParams, SecondaryRuleSet

CODE = "TT22_2021"
VERSION = "1.0"
PARAMS = SecondaryParams()

RULESET = SecondaryRuleSet(
    code=CODE,
    version=VERSION,
    level=("lower_secondary", "upper_secondary"),
    title="Thông tư 22/2021/TT-BGDĐT — đánh giá học sinh THCS, THPT",
    params=PARAMS,
    circular="Thông tư số 22/2021/TT-BGDĐT",
)
