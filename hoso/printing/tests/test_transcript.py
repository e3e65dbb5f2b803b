"""GIVEN graded classes (secondary and primary) WHEN the transcript is built and rendered THEN the
PDF shows the approved data with Vietnamese marks, in the pinned font only."""

from __future__ import annotations

import pytest

from hoso.printing.documents import render_transcript, transcript_data
from hoso.printing.tests.helpers import approve_year, graded_class
from hoso.printing.tests.pdfcheck import assert_fonts_pinned, pdf_text, png_page1


@pytest.fixture
def graded(world):
    return graded_class(world, extra_students=["Đỗ Thị Hằng"])


def test_transcript_before_approval_prints_blank_cells_and_says_so(world, graded):
    data = transcript_data(student=world.student_a, year=world.year)
    assert data["student"]["full_name"] == "Nguyễn Văn An"
    assert all(r["year"] == "" for r in data["subjects"])
    assert data["pending"] == ["Học kỳ I", "Học kỳ II", "Cả năm"]
    text = pdf_text(render_transcript(data))
    assert "Kết quả chưa được Hiệu trưởng phê duyệt" in text
    assert "BẢN NHÁP" in text


def test_secondary_transcript_shows_the_approved_results(world, graded):
    rich, students = graded
    approve_year(world, rich)
    data = transcript_data(student=world.student_a, year=world.year)
    assert data["pending"] == []
    by_code = {r["code"]: r for r in data["subjects"]}
    assert by_code["NGU_VAN"]["year"] == "7,5"
    assert by_code["TOAN"]["term1"] == "8,0"
    assert by_code["GDTC"]["year"] == "Đ"
    assert data["decision"] == "Lên lớp"
    assert data["learning"]["year"] == "Khá"
    assert data["signatures"][1]["name"] == "Nguyễn Văn Hùng"
    pdf = render_transcript(
        data, verification={"code": "ABCD-EFGH", "url": "https://hoso.test/xac-minh/ABCD-EFGH"}
    )
    text = pdf_text(pdf)
    for expected in (
        "HỌC BẠ",
        "TRUNG HỌC CƠ SỞ",
        "Nguyễn Văn An",
        "Ngữ văn",
        "7,5",
        "Lên lớp",
        "Đỗ Thị Lan",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ABCD-EFGH",
        "Chăm ngoan, tiến bộ rõ ở môn Ngữ văn",
        "GIÁO VIÊN CHỦ NHIỆM",
        "HIỆU TRƯỞNG",
    ):
        assert expected in text, expected
    assert "BẢN NHÁP" not in text
    assert_fonts_pinned(pdf)
    png_page1(pdf, "transcript_secondary")


def test_transcript_data_is_deterministic(world, graded):
    rich, _ = graded
    approve_year(world, rich)
    import json

    a = json.dumps(transcript_data(student=world.student_a, year=world.year), sort_keys=True)
    b = json.dumps(transcript_data(student=world.student_a, year=world.year), sort_keys=True)
    assert a == b


def test_issued_transcript_is_pdfa3_with_the_json_inside(world, graded, tmp_path):
    import io
    import json

    from pypdf import PdfReader

    rich, _ = graded
    approve_year(world, rich)
    data = transcript_data(student=world.student_a, year=world.year)
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    pdf = render_transcript(
        data,
        verification={"code": "ABCD-EFGH", "url": "https://hoso.test/xac-minh/ABCD-EFGH"},
        pdf_standard="a-3b",
        attachments=[("hoc-ba.json", payload, "application/json")],
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments["hoc-ba.json"][0] == payload
    assert b"<pdfaid:part>3</pdfaid:part>" in pdf and b"<pdfaid:conformance>B<" in pdf


def test_batch_of_transcripts_in_one_pdf_splits_back_per_student(world, graded):
    import io

    from pypdf import PdfReader

    from hoso.printing.documents import render_transcripts, split_transcripts

    rich, students = graded
    approve_year(world, rich)
    datas = [transcript_data(student=s, year=world.year) for s in students]
    ver = [
        {"code": f"ABCD-000{i}", "url": f"https://hoso.test/xac-minh/ABCD-000{i}"}
        for i in range(len(datas))
    ]
    pdf = render_transcripts(datas, verifications=ver)
    reader = PdfReader(io.BytesIO(pdf))
    assert [o.title for o in reader.outline] == [
        f"{d['student']['full_name']} — 6A1" for d in datas
    ]
    parts = split_transcripts(pdf)
    assert len(parts) == len(datas) == 2
    for i, part in enumerate(parts):
        text = pdf_text(part)
        assert datas[i]["student"]["full_name"] in text and f"ABCD-000{i}" in text
        assert "Trang 1/1" in text  # each transcript numbers its own pages
        other = datas[1 - i]["student"]["full_name"]
        assert other not in text
        assert_fonts_pinned(part)
    drafts = pdf_text(render_transcripts(datas))
    assert drafts.count("BẢN NHÁP") == 2


def test_class_batch_data_equals_the_single_data(world, graded, django_assert_max_num_queries):
    from hoso.printing.documents import class_transcripts_data

    rich, students = graded
    approve_year(world, rich)
    singles = [transcript_data(student=s, year=world.year) for s in students]
    with django_assert_max_num_queries(15):
        batch = class_transcripts_data(school_class=world.class_a, students=students)
    assert batch == singles


def test_the_verification_qr_code_is_readable_by_zbar_at_150_dpi(world, graded, tmp_path):
    """GIVEN an issued transcript WHEN its page is rasterised at 150 dpi THEN zbar decodes the
    QR code (at least 20 mm, with a quiet zone of 4 modules) to the verification URL."""
    import shutil
    import subprocess

    if not shutil.which("zbarimg") or not shutil.which("pdftoppm"):
        pytest.skip("zbarimg (zbar-tools) or pdftoppm (poppler-utils) missing")
    rich, _ = graded
    approve_year(world, rich)
    url = "https://hoso.truong-thcs-demo.edu.vn/xac-minh/ABCD-EFGH-JKMN"
    pdf = render_transcript(
        transcript_data(student=world.student_a, year=world.year),
        verification={"code": "ABCD-EFGH-JKMN", "url": url},
    )
    (tmp_path / "t.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(tmp_path / "t.pdf"), "p"],
        cwd=tmp_path,
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
    )
    assert out.stdout.strip() == url, out.stderr


def test_the_qr_code_image_has_a_quiet_zone_and_is_at_least_20_mm(world, graded):
    import struct

    import segno

    from hoso.printing.documents.transcript import QR_QUIET_MODULES, qr_png, qr_size_mm

    url = "https://hoso.test/xac-minh/ABCD-EFGH"
    png = qr_png(url)
    width = struct.unpack(">I", png[16:20])[0]
    modules = segno.make_qr(url, error="m").symbol_size(border=0)[0]
    assert QR_QUIET_MODULES >= 4 and width == modules + 2 * QR_QUIET_MODULES
    assert qr_size_mm(url) * modules / width >= 20  # the symbol itself, in mm
