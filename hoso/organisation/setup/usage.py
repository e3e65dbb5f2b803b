"""What other packages keep about a grade or a subject, asked before the set-up changes them.

The organisation package sits below the grade book, so it never imports it: packages that keep
results register probes here (in their ``AppConfig.ready``), and the set-up asks them before it
changes a grade's rule set or removes a subject. A probe answers a short Vietnamese description
of what it holds ("120 kết quả trong sổ điểm"), or ``""`` when it holds nothing.
"""

from __future__ import annotations

from collections.abc import Callable

GradeProbe = Callable[..., str]  # (*, year, grade) -> description
SubjectProbe = Callable[..., str]  # (*, subject, grade | None) -> description

_grade_results: list[GradeProbe] = []
_subject_entries: list[SubjectProbe] = []


def register_grade_results_probe(probe: GradeProbe) -> None:
    """``probe(year=, grade=)``: results (scores, comments, computed results) of the grade's
    classes in the year, which a change of rule set would make wrong."""
    if probe not in _grade_results:
        _grade_results.append(probe)


def register_subject_probe(probe: SubjectProbe) -> None:
    """``probe(subject=, grade=)``: entries of the subject (in the grade's classes, or anywhere
    when ``grade`` is None), which removing it or changing its assessment would orphan."""
    if probe not in _subject_entries:
        _subject_entries.append(probe)


def grade_results(*, year, grade) -> list[str]:
    return [found for probe in _grade_results if (found := probe(year=year, grade=grade))]


def subject_entries(*, subject, grade=None) -> list[str]:
    return [found for probe in _subject_entries if (found := probe(subject=subject, grade=grade))]
