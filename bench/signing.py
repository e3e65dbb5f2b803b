"""Signing benchmark: pyHanko PAdES signatures and validation, 1- and 3-page PDFs, and a class of
45 transcripts signed by three people with one unlock each (``manage.py signing_bench``).

    .venv/bin/python bench/signing.py [--runs 5] [--quick]

Runs the management command in a private SQLite database and prints its table, then ratios
against the baseline measured in the same run — an invisible signature without a timestamp:
what a visible Vietnamese stamp (Noto Serif) and a timestamp (pyHanko's in-process TSA) add, and
what validating three incremental signatures costs. ``--quick``: one run of each (the class of 45
still signed in full: it is the path). The LAST line holds all figures.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one run of each measure")
    args = parser.parse_args()
    if args.quick:
        args.runs = 1

    from _common import bench_database_url, bench_environment, django_setup, machine

    var_dir = tempfile.mkdtemp(prefix="hoso-bench-signing-")
    django_setup(
        bench_environment(bench_database_url("sqlite", name="hoso_bench_signing"), var_dir=var_dir)
    )
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    out = io.StringIO()
    call_command("signing_bench", runs=args.runs, stdout=out)
    text = out.getvalue()
    print(f"machine: {machine()}")
    print(text.rstrip())
    last = text.strip().splitlines()[-1]
    figures = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)ms", last)}
    base = figures["sign1_invisible"]
    print(
        f"RESULT signing baseline_invisible={base:.0f}ms "
        f"visible_ratio={figures['sign1_visible'] / base:.2f}x "
        f"visible_ts_ratio={figures['sign1_visible_ts'] / base:.2f}x "
        f"validate3_vs_sign={figures['validate1_3sig'] / base:.2f}x "
        f"class45x3={figures['class45x3'] / 1000:.2f}s "
        f"per_signature={figures['class45x3'] / 135:.1f}ms"
    )


if __name__ == "__main__":
    main()
