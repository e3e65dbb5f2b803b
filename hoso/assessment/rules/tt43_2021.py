"""Thông tư 43/2021/TT-BGDĐT — assessment of GDTX learners (học viên) (REGULATIONS.md §3).

Same engine as TT22 with these differences:

* confirmed: Học viên Xuất sắc needs **≥ 5** subjects with ĐTBmcn ≥ 9,0
  (``excellent_min_subjects=5``); the words are "học viên" and "Giám đốc".
* UNCONFIRMED (best knowledge, default chosen): the learning levels say "at least **5**" subjects
  instead of 6 (``min_subjects=5``); ĐĐGtx counts and the ĐTBmhk/ĐTBmcn formulas are TT22's;
  which subjects are comment-only is decided by the input (``assessment``), not by this rule set.
"""

from __future__ import annotations

from .secondary import SecondaryParams, SecondaryRuleSet

CODE = "TT43_2021"
VERSION = "1.0"
PARAMS = SecondaryParams(
    min_subjects=5,
    excellent_min_subjects=5,
    learner="học viên",
    head="Giám đốc",
)

RULESET = SecondaryRuleSet(
    code=CODE,
    version=VERSION,
    level=("continuing",),
    title="Thông tư 43/2021/TT-BGDĐT — đánh giá học viên GDTX (THCS, THPT)",
    params=PARAMS,
    circular="Thông tư số 43/2021/TT-BGDĐT",
)
