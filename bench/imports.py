"""Benchmark of the spreadsheet import machinery (hoso/imports), no database.

    .venv/bin/python bench/imports.py [--rows 5000] [--repeat 5] [--bomb-mb 300] [--quick]
                                      [--libreoffice]

Generates its files (openpyxl; ``--libreoffice`` also has LibreOffice save the class list as
.ods and .xls) and measures the CPU time of the process, best and median of ``--repeat`` runs:

a. **class list**: a ``--rows``-row class list with the template's 19 columns (title row, header
   row, one student per row): ``containers.inspect`` alone (the checks before calamine), then
   ``reading.read_workbook`` (checks + calamine + the row walk), then the class-list row checks
   (header recognition and every row parsed, ``students.importing.rows``), with limits raised to
   fit the rows (the import itself takes 2,000 at most). Baseline: python-calamine alone
   (``to_python`` of the sheet), what the former reader called without any check.
b. **grade sheet**: a 45-student sheet in the template's layout with 14 result columns (ĐĐGtx 1–12,
   ĐĐGgk, ĐĐGck; + STT, code, name, birth date): ``read_workbook`` and ``evaluate_rows``
   against 45 students with nothing stored (630 changes).
c. **refusals**: a ``--bomb-mb`` MB zip bomb (one cell of letters, ≈ 300 KB packed), an .xlsx with
   values in A1 and XFD1048576, an .xls with values in A1 and IV65536: the time to refuse each
   and the Python memory used meanwhile (tracemalloc peak; calamine is never called).

``--quick`` (CI): 500 rows, 2 repeats, a 60 MB bomb. The LAST line holds the figures as JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Hoàng", "Ngọc", "Thanh", "Đức", "Bảo", "Gia", "Khánh"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Giang", "Hà", "Hải", "Lan", "Linh", "Mai", "Nam", "Yến"]


def timed(function, repeat: int) -> tuple[float, float, object]:
    """(best ms, median ms, last result) of the process's CPU time: the work is in-process and
    single-threaded, and CPU time does not count the waits of a machine shared with others."""
    times, result = [], None
    for _ in range(repeat):
        started = time.process_time()
        result = function()
        times.append((time.process_time() - started) * 1000)
    return min(times), statistics.median(times), result


def class_list(rows: int) -> bytes:
    from openpyxl import Workbook

    from hoso.students.importing.template import TEMPLATE_COLUMNS

    rnd = random.Random(1)
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH HỌC SINH"])
    sheet.append([title for title, *_ in TEMPLATE_COLUMNS])
    for n in range(rows):
        female = rnd.random() < 0.5
        birth = date(2015, 1, 1) + timedelta(days=rnd.randrange(365))
        name = f"{rnd.choice(FAMILY)} {'Thị' if female else rnd.choice(MIDDLE)} {rnd.choice(GIVEN)}"
        sheet.append(
            [
                n + 1,
                f"HS{n + 1:05d}",
                name,
                birth.strftime("%d/%m/%Y"),
                "Nữ" if female else "Nam",
                "Hải Phòng",
                "Kinh",
                "Việt Nam",
                f"031{3 if female else 2}15{n:06d}",
                f"Số {n} phố Lạch Tray, Hải Phòng",
                "",
                f"{rnd.choice(FAMILY)} Văn {rnd.choice(GIVEN)}",
                f"09{rnd.randrange(10**8):08d}",
                "Công nhân",
                f"{rnd.choice(FAMILY)} Thị {rnd.choice(GIVEN)}",
                f"09{rnd.randrange(10**8):08d}",
                "Nội trợ",
                "",
                "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def grade_sheet(columns, students: int = 45) -> bytes:
    from openpyxl import Workbook

    from hoso.gradebook.excel.template import HEADER_ROW

    rnd = random.Random(2)
    book = Workbook()
    sheet = book.active
    for line in range(1, HEADER_ROW):
        sheet.cell(row=line, column=1, value=f"Dòng tiêu đề {line}")
    sheet.append(["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", *[c.label for c in columns]])
    for n in range(students):
        marks = [rnd.randrange(0, 21) / 2 for _ in columns]
        sheet.append([n + 1, f"HS{n + 1:05d}", f"Nguyễn Văn Học{n}", date(2015, 1, 1), *marks])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def far_xlsx() -> bytes:
    from hoso.imports.tests.files import xlsx_with_sheet

    return xlsx_with_sheet(
        b'<row r="1"><c r="A1"><v>1</v></c></row>'
        b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )


def far_xls() -> bytes:
    from hoso.imports.tests.files import biff_workbook, xls

    return xls(biff_workbook([(0, 0, 1.0), (65535, 255, 2.0)]))


def refusal(data: bytes) -> dict:
    from hoso.imports import containers
    from hoso.imports.errors import ImportFileError
    from hoso.imports.limits import Limits

    tracemalloc.start()
    started = time.process_time()
    try:
        containers.inspect(data, Limits())
        problem = "accepted"
    except ImportFileError as exc:
        problem = str(exc.problem)
    elapsed = (time.process_time() - started) * 1000
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "kb": round(len(data) / 1024),
        "ms": round(elapsed, 2),
        "peak_kb": peak // 1024,
        "problem": problem,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bomb-mb", type=int, default=300)
    parser.add_argument("--quick", action="store_true", help="500 rows, 2 repeats, 60 MB bomb")
    parser.add_argument("--libreoffice", action="store_true", help="also .ods and .xls (soffice)")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.repeat, args.bomb_mb = 500, 2, 60

    import django

    django.setup()
    from python_calamine import CalamineWorkbook

    from hoso.gradebook.entry.columns import sheet_columns
    from hoso.gradebook.excel.rows import StudentRef, evaluate_rows
    from hoso.gradebook.excel.template import HEADER_ROW
    from hoso.imports import containers
    from hoso.imports.importer import Report
    from hoso.imports.limits import Limits
    from hoso.imports.reading import read_workbook
    from hoso.imports.tests.files import saved_by_libreoffice, zip_bomb
    from hoso.students.importing import rows as class_rows

    figures: dict = {"rows": args.rows, "repeat": args.repeat}
    limits = Limits(max_rows=args.rows + 10, max_sheet_rows=max(10_000, args.rows + 10))

    files = {"xlsx": class_list(args.rows)}
    if args.libreoffice:
        import csv

        from openpyxl import load_workbook

        text = io.StringIO()
        writer = csv.writer(text)
        for row in load_workbook(io.BytesIO(files["xlsx"])).active.iter_rows(values_only=True):
            writer.writerow(["" if v is None else v for v in row])
        for extension in ("ods", "xls"):
            files[extension] = saved_by_libreoffice(text.getvalue(), extension)

    for extension, data in files.items():
        inspect = timed(lambda data=data: containers.inspect(data, limits), args.repeat)
        calamine = timed(
            lambda data=data: (
                CalamineWorkbook.from_filelike(io.BytesIO(data))
                .get_sheet_by_index(0)
                .to_python(skip_empty_area=False)
            ),
            args.repeat,
        )
        read = timed(lambda data=data: read_workbook(data, limits), args.repeat)
        sheet = read[2][0]

        def check(sheet=sheet):
            header = sheet.rows[1]
            headers = [str(c) for c in header["cells"]]
            mapping = class_rows.suggest_mapping(headers)
            report = Report(headers, mapping)
            parser_ = class_rows.RowParser(report, class_rows.GradeContext(2026, 6))
            parsed = []
            for raw in sheet.rows[2:]:
                cells = raw["cells"]
                values = {n: (cells[i] if i < len(cells) else "") for i, n in mapping.items()}
                parsed.append(parser_.row(raw["row"], values))
            parser_.duplicates(parsed)
            return parsed, report

        checked = timed(check, args.repeat)
        assert len(checked[2][0]) == args.rows and not checked[2][1].errors, checked[2][1].errors[
            :3
        ]
        figures[f"class_list_{extension}"] = {
            "kb": round(len(data) / 1024),
            "calamine_only_ms": round(calamine[0], 1),
            "inspect_ms": round(inspect[0], 1),
            "read_ms": round(read[0], 1),
            "read_median_ms": round(read[1], 1),
            "row_checks_ms": round(checked[0], 1),
        }
        print(
            f"class list .{extension} ({args.rows} rows, {len(data) // 1024} KB): "
            f"calamine alone {calamine[0]:.0f} ms; checks before calamine {inspect[0]:.0f} ms; "
            f"read_workbook {read[0]:.0f} ms (median {read[1]:.0f}); row checks {checked[0]:.0f} ms"
        )

    columns = sheet_columns(
        subject=SimpleNamespace(assessment="score"),
        offering=SimpleNamespace(periods_per_year=140),
        term=SimpleNamespace(number=1),
        ruleset="TT22_2021",
        last_regular=12,
    )
    data = grade_sheet(columns)
    students = [
        StudentRef(n + 1, f"HS{n + 1:05d}", f"Nguyễn Văn Học{n}", date(2015, 1, 1), True)
        for n in range(45)
    ]
    read = timed(lambda: read_workbook(data), max(args.repeat, 20))
    sheet = read[2][0]
    header = next(r for r in sheet.rows if r["row"] == HEADER_ROW)
    headers = [str(c) for c in header["cells"]]
    mapping = dict(enumerate(["sequence", "student_code", "full_name", "birth_date"]))
    mapping |= {4 + i: c.key for i, c in enumerate(columns)}

    def evaluate():
        return evaluate_rows(
            sheet.rows,
            header_row=HEADER_ROW,
            headers=headers,
            mapping=mapping,
            columns=columns,
            students=students,
            stored={},
            blocked={},
        )

    evaluated = timed(evaluate, max(args.repeat, 20))
    assert len(evaluated[2].changes) == 45 * len(columns) and not evaluated[2].errors
    figures["grade_sheet"] = {
        "students": 45,
        "result_columns": len(columns),
        "read_ms": round(read[0], 2),
        "evaluate_ms": round(evaluated[0], 2),
    }
    print(
        f"grade sheet (45 × {len(columns)} results): read_workbook {read[0]:.1f} ms, "
        f"evaluate_rows {evaluated[0]:.1f} ms ({len(evaluated[2].changes)} changes)"
    )

    for name, data in (
        (f"zip_bomb_{args.bomb_mb}mb", zip_bomb(args.bomb_mb)),
        ("xlsx_value_in_xfd1048576", far_xlsx()),
        ("xls_value_in_iv65536", far_xls()),
    ):
        figures[name] = refusal(data)
        print(f"{name}: {figures[name]}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
