"""Optional build step: compile the secondary rule-set engine with mypyc.

    python -m hoso.assessment.build            # compile if possible; exit 0 either way
    python -m hoso.assessment.build --require  # exit 1 if it cannot be compiled
    python -m hoso.assessment.build --clean    # remove the compiled engine

``hoso/assessment/rules/secondary_engine.py`` stays the source of truth. This copies it, stamped
with the SHA-256 of it and of the modules it imports (``base``, ``errors``, ``scores``), to
``_secondary_engine_compiled.py`` in a temporary tree, compiles that with
mypyc (``mypy`` package; a C compiler and the Python headers), and puts the two extension modules
next to the source (``_secondary_engine_compiled*.so``, ignored by git). The rule sets use them only
while the stamp equals the digest of the current sources (see :mod:`hoso.assessment.rules.secondary`),
so after an edit of any of them the rule sets run as pure Python until this is run again. Nothing is done when the
compiled engine is already up to date. After building, the compiled engine is loaded in a new
process and compared with the pure one on generated cases; on any difference it is removed.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

RULES = Path(__file__).resolve().parent / "rules"
SOURCE = RULES / "secondary_engine.py"
MODULE = "_secondary_engine_compiled"
PACKAGE = "hoso.assessment.rules"


def artifacts() -> list[Path]:
    return [Path(p) for p in sorted(glob.glob(str(RULES / f"{MODULE}*")))]


def _digest() -> str:
    from hoso.assessment.rules.secondary import source_digest

    return source_digest()


def _run(args: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[int, str]:
    proc = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900
    )
    return proc.returncode, (proc.stdout + proc.stderr)[-4000:]


def _engine_state() -> str:
    """What a new process would load: ``compiled (mypyc)`` or ``pure (...)``."""
    env = dict(os.environ, HOSO_ASSESSMENT_ENGINE="auto")
    env["PYTHONPATH"] = os.pathsep.join([str(RULES.parents[2]), env.get("PYTHONPATH", "")])
    code, out = _run(
        [sys.executable, "-c", f"from {PACKAGE} import secondary; print(secondary.ENGINE)"],
        env=env,
    )
    return out.strip().splitlines()[-1] if code == 0 and out.strip() else f"error: {out}"


def self_check(count: int = 3000) -> str:
    """Compare the compiled engine with the pure one on generated cases ('' when identical)."""
    import json

    from hoso.assessment.rules import secondary, tt22_2021, tt43_2021
    from hoso.assessment.tests.cases import generated_cases

    if not secondary.ENGINE.startswith("compiled"):
        return f"the compiled engine is not in use: {secondary.ENGINE}"
    pure = {
        r.code: r.with_engine(secondary._pure_engine)
        for r in (tt22_2021.RULESET, tt43_2021.RULESET)
    }
    compiled = {r.code: r for r in (tt22_2021.RULESET, tt43_2021.RULESET)}
    for case in generated_cases(count, seed=7, evaluate=compiled["TT22_2021"].evaluate):
        code = case.get("ruleset") if isinstance(case, dict) else None
        if code not in pure or "params" in case:
            continue
        a = json.dumps(pure[code].evaluate(case), ensure_ascii=False)
        b = json.dumps(compiled[code].evaluate(case), ensure_ascii=False)
        if a != b:
            return f"different results for {json.dumps(case, ensure_ascii=False)[:500]}"
    return ""


def clean() -> None:
    for path in artifacts():
        path.unlink()


def build(require: bool = False) -> int:
    def give_up(why: str) -> int:
        print(f"hoso.assessment.build: {why}; the rule sets run as pure Python.", file=sys.stderr)
        return 1 if require else 0

    digest = _digest()
    state = _engine_state()
    if state.startswith("compiled"):
        print(f"hoso.assessment.build: up to date ({state}, {digest[:12]}).")
        return 0
    try:
        import mypyc  # noqa: F401
    except ImportError:
        return give_up("mypyc is not installed (pip install mypy)")
    with tempfile.TemporaryDirectory(prefix="hoso-engine-") as tmp:
        tree = Path(tmp)
        package = tree / "hoso" / "assessment" / "rules"
        package.mkdir(parents=True)
        (tree / "hoso" / "__init__.py").write_text("")
        (tree / "hoso" / "assessment" / "__init__.py").write_text("")
        for path in RULES.glob("*.py"):
            if not path.name.startswith(MODULE):
                shutil.copy2(path, package / path.name)
        (package / f"{MODULE}.py").write_text(
            SOURCE.read_text(encoding="utf-8")
            + f'\n\n#: secondary.source_digest() of the sources this copy was made from.\nSOURCE_SHA256 = "{digest}"\n',
            encoding="utf-8",
        )
        print("hoso.assessment.build: compiling the secondary engine with mypyc (≈ 30 s)…")
        code, out = _run(
            [
                sys.executable,
                "-m",
                "mypyc",
                "--follow-imports=silent",
                "--ignore-missing-imports",
                f"hoso/assessment/rules/{MODULE}.py",
            ],
            cwd=tree,
            env=dict(os.environ, MYPYC_OPT_LEVEL="3"),
        )
        built = sorted(package.glob(f"{MODULE}*.so")) + sorted(package.glob(f"{MODULE}*.pyd"))
        if code != 0 or not built:
            print(out, file=sys.stderr)
            return give_up("mypyc failed")
        clean()
        for path in built:
            staged = RULES / (path.name + ".tmp")
            shutil.copy2(path, staged)
            os.replace(staged, RULES / path.name)
    state = _engine_state()
    if not state.startswith("compiled"):
        clean()
        return give_up(f"the compiled engine does not load ({state})")
    env = dict(os.environ, HOSO_ASSESSMENT_ENGINE="compiled")
    env["PYTHONPATH"] = os.pathsep.join([str(RULES.parents[2]), env.get("PYTHONPATH", "")])
    code, out = _run([sys.executable, "-m", "hoso.assessment.build", "--check"], env=env)
    if code != 0:
        clean()
        print(out, file=sys.stderr)
        return give_up("the compiled engine differs from the pure one (removed)")
    print(f"hoso.assessment.build: built {', '.join(p.name for p in artifacts())} ({state}).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hoso.assessment.build", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--require", action="store_true", help="fail if it cannot be compiled")
    parser.add_argument("--clean", action="store_true", help="remove the compiled engine")
    parser.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.clean:
        clean()
        print("hoso.assessment.build: removed the compiled engine.")
        return 0
    if args.check:
        problem = self_check()
        if problem:
            print(problem, file=sys.stderr)
            return 1
        return 0
    return build(require=args.require)


if __name__ == "__main__":
    sys.exit(main())
