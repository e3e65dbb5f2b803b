"""The command-line contract: python -m hoso.assessment evaluate (stdin JSON → stdout JSON)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hoso.assessment.cli import main

ROOT = Path(__file__).resolve().parents[3]

SECONDARY = {
    "ruleset": "TT22_2021",
    "grade": 8,
    "subjects": [
        {
            "code": "TOAN",
            "assessment": "score",
            "periods_per_year": 140,
            "term1": {"regular": [8, 7.5, 9, 8], "midterm": 7, "final": 8.5},
            "term2": {"regular": [8, 8, 9, 8], "midterm": 8, "final": 8},
        }
    ],
    "training": {"term1": "T", "term2": "K", "summer": None},
    "absences": 12,
}
PRIMARY = {
    "ruleset": "TT27_2020",
    "grade": 5,
    "subjects": [{"code": "TOAN", "level": "T", "final_test": 9}],
    "qualities": {
        "yeu_nuoc": "T",
        "nhan_ai": "T",
        "cham_chi": "T",
        "trung_thuc": "T",
        "trach_nhiem": "T",
    },
    "competencies": dict.fromkeys(
        (
            "tu_chu_tu_hoc",
            "giao_tiep_hop_tac",
            "giai_quyet_van_de_sang_tao",
            "ngon_ngu",
            "tinh_toan",
            "khoa_hoc",
            "cong_nghe",
            "tin_hoc",
            "tham_mi",
            "the_chat",
        ),
        "T",
    ),
    "class_recognised": False,
}


def run(stdin: bytes, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hoso.assessment", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )


def test_one_case_in_one_result_out():
    proc = run(json.dumps(SECONDARY).encode(), "evaluate")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["subjects"]["TOAN"] == {"term1": 8.0, "term2": 8.1, "year": 8.1}
    assert b'"term1":8.0' in proc.stdout  # one decimal, also for whole numbers
    assert result["ruleset_version"] == "TT22_2021@1.0"


def test_an_array_gives_results_in_the_same_order_with_validation_errors_and_exit_0():
    broken = json.loads(json.dumps(SECONDARY))
    broken["subjects"][0]["term1"]["final"] = 12
    cases = [PRIMARY, broken, {"ruleset": "NOPE"}, SECONDARY]
    proc = run(json.dumps(cases, ensure_ascii=False).encode(), "evaluate")
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert len(results) == 4
    assert results[0]["overall"] == "HTXS" and results[0]["title"] == "XUAT_SAC"
    assert [e["code"] for e in results[1]["errors"] if e["subject"]] == ["OUT_OF_RANGE"]
    assert results[2]["errors"][0]["code"] == "UNKNOWN_RULESET"
    assert results[3]["subjects"]["TOAN"]["year"] == 8.1


def test_output_is_utf8_vietnamese_not_escaped():
    proc = run(json.dumps([SECONDARY]).encode(), "evaluate")
    assert "Kết quả".encode() in proc.stdout


@pytest.mark.parametrize(
    "stdin", [b"{bad", b"", b"[1, 2", b"NaN", b"\xff\xfe{", b'{"a": Infinity}']
)
def test_malformed_json_exits_2_with_a_message(stdin):
    proc = run(stdin, "evaluate")
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert b"JSON" in proc.stderr


@pytest.mark.parametrize("stdin", [b"5", b'"case"', b"null"])
def test_json_that_is_not_a_case_or_array_exits_2(stdin):
    proc = run(stdin, "evaluate")
    assert proc.returncode == 2
    assert b"expected a JSON case object or an array" in proc.stderr


def test_empty_array_gives_empty_array():
    proc = run(b"[]", "evaluate")
    assert (proc.returncode, proc.stdout) == (0, b"[]\n")


def test_bad_usage_exits_64():
    assert run(b"", "frobnicate").returncode == 64
    assert run(b"", "evaluate", "--indent", "x").returncode == 64


def test_rulesets_lists_codes_versions_and_parameters():
    proc = run(b"", "rulesets")
    assert proc.returncode == 0
    listing = {r["code"]: r for r in json.loads(proc.stdout)}
    assert set(listing) == {"TT22_2021", "TT27_2020", "TT43_2021"}
    assert listing["TT43_2021"]["params"]["excellent_min_subjects"] == 5


def test_in_process_main_with_indent(monkeypatch, capsysbinary):
    import io

    class Stdin:
        buffer = io.BytesIO(json.dumps(SECONDARY).encode())

    monkeypatch.setattr(sys, "stdin", Stdin)
    assert main(["evaluate", "--indent", "2"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b"{\n  ")
    assert json.loads(out)["subjects"]["TOAN"]["year"] == 8.1
