"""The check that keeps rule-set codes inside hoso/assessment (make lint runs it)."""

from hoso.assessment.check_codes import findings


def test_no_rule_set_code_outside_assessment():
    assert findings() == []


def test_a_code_comparison_or_a_primary_branch_is_found(tmp_path):
    # GIVEN a view comparing a code, a template testing primary, and allowed places
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "views.py").write_text(
        '"""Docstrings may name TT27_2020."""\n# so may comments: TT22_2021\n'
        'def f(code):\n    return code == "TT27_2020"\n'
    )
    (tmp_path / "app" / "page.html").write_text("{% if view.primary %}x{% endif %}\n")
    (tmp_path / "app" / "body.typ").write_text("#if primary [x]\n")
    (tmp_path / "app" / "tests").mkdir()
    (tmp_path / "app" / "tests" / "test_x.py").write_text('CODE = "TT22_2021"\n')
    (tmp_path / "app" / "migrations").mkdir()
    (tmp_path / "app" / "migrations" / "0001.py").write_text('CODE = "TT22_2021"\n')
    # WHEN the check runs over it
    found = findings(tmp_path)
    # THEN the comparison and the two template branches are reported, nothing else
    assert len(found) == 3
    assert "views.py:4: rule-set code 'TT27_2020'" in found[2]
    assert any("page.html:1" in line for line in found)
    assert any("body.typ:1" in line for line in found)
