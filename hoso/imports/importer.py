"""The plug-in contract: what one kind of import (class list, grade sheet, staff list, …) tells
the machinery. Everything else — reading the file within bounds, finding the header row, saved
mappings, the batch and its states, preview, the background commit, cancel, retry, the pages —
is the machinery's (``actions``, ``views``, ``templates/imports/``).

A kind subclasses ``Importer`` in ONE module of its domain and registers an instance in its
``AppConfig.ready``; its URLs come from ``hoso.imports.urls.import_patterns``. See
``docs/IMPORTS.md`` for a worked example.

MUST be given: ``kind`` and ``url_prefix``; the methods ``access_target``, ``scope_of``,
``target_of``, ``may_import``, ``title``, ``back_link``, ``field_specs``, ``parse_row`` (or a
whole ``evaluate``), ``commit``, ``template_file``, ``done_text``, ``done_link``.
SHOULD be given: ``words`` (how messages name the batch and what it writes), ``page_template``
(a template extending ``imports/page.html``), ``missing_fields``, ``check_rows``.
MAY be given (defaults below): everything else.

The *target* is what the import writes into (a class, a grade sheet, the school): whatever object
the importer likes; the machinery only passes it back. Its *scope* is the same as JSON ids, kept
on the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied
from hoso.imports.cells import cell_text, column_index, column_label
from hoso.imports.headers import (
    FieldSpec,
    alias_table,
    mapping_problems,
    suggest_by_aliases,
)
from hoso.imports.limits import Limits
from hoso.imports.reading import SheetData


@dataclass(frozen=True)
class Words:
    """How the pages and messages speak of this kind (Vietnamese)."""

    batch: str = "Lần nhập này"  # "Lần nhập này đang ở trạng thái …, không ghi được."
    unit: str = "dòng"  # "Còn 3 lỗi: chưa ghi dòng nào."
    thing: str = "dữ liệu"  # "Đã hủy lần nhập này; chưa có học sinh nào được ghi."
    content: str = "dữ liệu"  # "Lỗi hệ thống khi ghi danh sách; …"
    failed: str = "dòng"  # "Không ghi được: chưa học sinh nào được ghi …"
    log: str = "lần nhập từ Excel"  # in the audit trail of a refused access: "… #12"


@dataclass
class Layout:
    """Where the data sits in the uploaded file and how its columns map."""

    sheet: SheetData
    header_row: int
    headers: list[str]
    mapping: dict[int, str]
    how: str = ""  # "template", "saved", "recognised", "manual" or "" (the user must map)
    mapping_name: str = ""

    @property
    def trusted(self) -> bool:
        return self.how in ("template", "saved", "recognised")


@dataclass
class Evaluation:
    """What a check of the rows found: the rows to show (and write), errors and warnings by row
    and column, and counts kept on the batch's result."""

    rows: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def sort_entries(entries: list[dict]) -> list[dict]:
    """By Excel row, then column (a file error without a row comes first)."""
    return sorted(entries, key=lambda e: (e.get("row") or 0, column_index(e.get("column", ""))))


def error_sentence(error: dict) -> str:
    """'Dòng 7, cột F (ĐĐGgk): Điểm 11 nằm ngoài thang điểm 0–10.'"""
    where = []
    if error.get("row"):
        where.append(f"Dòng {error['row']}")
    if error.get("column"):
        where.append(f"cột {error['column']}")
    return f"{', '.join(where)}: {error['message']}" if where else error["message"]


def batch_error(message: str, *, code: str = "") -> dict:
    """An error of the whole batch (no row, no column)."""
    entry = {"row": None, "column": "", "field": "", "message": message}
    if code:
        entry["code"] = str(code)
    return entry


class Report:
    """Errors and warnings of one check, each with the Excel row and the column as
    'E (Ngày sinh)' — the column the field was mapped from."""

    def __init__(self, headers: list[str], mapping: dict[int, str]):
        self.headers = headers
        self.column_of = {name: index for index, name in sorted(mapping.items(), reverse=True)}
        self.errors: list[dict] = []
        self.warnings: list[dict] = []

    def entry(self, row: int | None, name: str, message: str, code: str = "") -> dict:
        index = self.column_of.get(name)
        entry = {
            "row": row,
            "column": column_label(index, self.headers) if index is not None else "",
            "field": name,
            "message": message,
        }
        if code:
            entry["code"] = str(code)
        return entry

    def error(self, row: int | None, name: str, message: str, code: str = "") -> None:
        self.errors.append(self.entry(row, name, message, code))

    def warn(self, row: int | None, name: str, message: str, code: str = "") -> None:
        self.warnings.append(self.entry(row, name, message, code))

    @property
    def rows_with_errors(self) -> set[int]:
        return {e["row"] for e in self.errors if e.get("row")}


class RowsRejected(Exception):
    """Raised by ``Importer.commit`` when a row cannot be written: the whole commit rolls back
    and the batch becomes FAILED with these errors."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} lỗi")
        self.errors = errors


class Importer:
    kind: ClassVar[str] = ""  # the batch's and the saved mappings' kind: "students", "grades"
    words: ClassVar[Words] = Words()
    url_prefix: ClassVar[str] = ""  # URL names are url_prefix + step: "students:import_batch"
    page_template: ClassVar[str] = "imports/page.html"  # the kind's template extends it
    limits: ClassVar[Limits] = Limits()
    min_recognised: ClassVar[int] = 3  # headers recognised for a row to be taken as the header
    uploader_may_view: ClassVar[bool] = True  # the uploader sees its batch without the right
    template_needs_import: ClassVar[bool] = True  # who may download the template
    error_codes: ClassVar[bool] = True  # whether the batch-level errors carry a code
    invalid_target: ClassVar[str] = (
        "Cột {column} được ghép vào “{target}”, không có trong danh sách trường."
    )
    repeated_target: ClassVar[str] = "“{field}” được ghép với nhiều cột: {columns}."

    # --- Who and where ------------------------------------------------------------------------

    def access_target(self, actor: Actor, scope: dict) -> Any:
        """The target named by ``scope`` (the URL's ids), if the actor may see it; 404
        otherwise (``accounts.policies.not_found``)."""
        raise NotImplementedError

    def scope_of(self, target: Any) -> dict:
        """The target's ids, as the URL names them: ``{"class_id": 12}``."""
        raise NotImplementedError

    def target_of(self, scope: dict, school_id: int) -> Any:
        """The target again from a batch's scope, without access checks (the background
        commit, and actions on a batch already accessed)."""
        raise NotImplementedError

    def year_of(self, target: Any):
        """The school year the import writes into (the committer's actor is built for it)."""
        return target.year

    def may_import(self, actor: Actor, target: Any) -> bool:
        raise NotImplementedError

    def require_import(self, actor: Actor, target: Any) -> None:
        """403 (logged) unless the actor may import into the target."""
        if not self.may_import(actor, target):
            log_denied(actor, kind="forbidden", what=f"{self.title(target)}")
            raise PermissionDenied("Bạn không có quyền nhập dữ liệu này.")

    def check_upload(self, actor: Actor, target: Any) -> None:
        """Refuse an upload before the file is read (a closed year, …): raise DomainError."""

    def check_commit(self, actor: Actor, batch, target: Any) -> None:
        """Refuse a commit before it is queued (raise DomainError)."""

    def check_ready(self, batch) -> None:
        """Refuse a commit of a clean preview with nothing to write (raise DomainError)."""

    def commit_refusal(self, actor: Actor, target: Any) -> dict | None:
        """In the background, before writing: an error if the committer may no longer import."""
        if self.may_import(actor, target):
            return None
        return batch_error(
            "Người ra lệnh ghi không còn quyền nhập dữ liệu này.",
            code="NOT_ALLOWED" if self.error_codes else "",
        )

    # --- Pages --------------------------------------------------------------------------------

    def title(self, target: Any) -> str:
        raise NotImplementedError

    def back_link(self, target: Any) -> tuple[str, str]:
        """(label, URL) of the page the import starts from."""
        raise NotImplementedError

    def start_context(self, actor: Actor, target: Any) -> dict:
        """More for the start page's blocks (e.g. which columns are read-only)."""
        return {}

    def initial_form(self, target: Any) -> dict:
        """What the upload form shows at first (its options)."""
        return {}

    def default_options(self, target: Any) -> dict:
        """The options of an upload that did not give them (a command, a test)."""
        return {}

    def read_options(self, data, target: Any, *, step: str) -> dict:
        """Options posted with a form (``step``: "upload", "mapping", "options"), as Python
        values; raise DomainError(field=…) on a value that cannot be read."""
        return {}

    def clean_options(self, target: Any, options: dict) -> dict:
        """The options as kept on the batch's result (JSON); raise DomainError if refused."""
        return {}

    def upload_blocked(self, target: Any) -> str:
        """Why the upload form is not offered (a closed year); "" when it is."""
        return ""

    def preview_summary(self, batch) -> list[tuple[str, str]]:
        """(text, tone) badges above the preview; tone: "ok", "err", "warn" or ""."""
        bad = {e["row"] for e in batch.errors if e.get("row")}
        ok = sum(1 for r in batch.rows if r.get("row") not in bad)
        out = [(f"{ok} dòng hợp lệ", "ok"), (f"{len(bad)} dòng có lỗi", "err" if bad else "")]
        warnings = batch.result.get("warnings", [])
        if warnings:
            out.append((f"{len(warnings)} lưu ý", "warn"))
        return out

    def preview_fields(self, batch, target: Any) -> list[FieldSpec]:
        """The columns of the default preview table: the fields mapped, in field order."""
        mapped = set(batch.column_mapping().values())
        return [f for f in self.field_specs(target) if f.name in mapped and f.name != "sequence"]

    def can_commit(self, batch) -> bool:
        return not batch.errors and bool(batch.rows)

    def commit_label(self, batch, target: Any) -> str:
        return f"Ghi {len(batch.rows)} dòng"

    def progress_text(self, batch, target: Any) -> str:
        return f"Đang ghi {self.words.content}…"

    def done_text(self, batch, target: Any) -> str:
        raise NotImplementedError

    def done_link(self, batch, target: Any) -> tuple[str, str]:
        raise NotImplementedError

    # --- The file -----------------------------------------------------------------------------

    def field_specs(self, target: Any) -> list[FieldSpec]:
        raise NotImplementedError

    def suggest_mapping(self, headers: list[str], target: Any) -> dict[int, str]:
        """Headers → fields, by aliases and labels; a field goes to its first column only."""
        return suggest_by_aliases(headers, alias_table(self.field_specs(target)))

    def recognises(self, headers: list[str], mapping: dict[int, str], target: Any) -> bool:
        """Whether this row is the header row, to be trusted without asking: it names
        ``min_recognised`` fields (or all of them, for a kind with fewer)."""
        return len(mapping) >= min(self.min_recognised, len(self.field_specs(target)))

    def layout_from_file(self, data: bytes, sheets: list[SheetData], target: Any):
        """A ``Layout`` the file itself declares (our own template's hidden metadata), or None."""
        return None

    def mapping_problems(self, mapping: dict[int, str], headers: list[str], target: Any):
        """Why a mapping cannot be used, in Vietnamese; [] when it can."""
        fields = self.field_specs(target)
        problems = mapping_problems(
            mapping, headers, fields, invalid=self.invalid_target, repeated=self.repeated_target
        )
        return problems + self.missing_fields(set(mapping.values()), target)

    def missing_fields(self, mapped: set[str], target: Any) -> list[str]:
        """Problems of a mapping that lacks a required field (Vietnamese)."""
        return []

    def template_file(self, actor: Actor, target: Any) -> tuple[bytes, str]:
        """(.xlsx bytes, file name) of the downloadable template."""
        raise NotImplementedError

    # --- Checking and writing ----------------------------------------------------------------

    def evaluate(self, batch, target: Any, actor: Actor) -> Evaluation:
        """Check every data row below the header row, in the file and against the database.

        The default walks the rows: empty ones (or with only STT) are skipped, each other row
        goes to ``parse_row``, then ``check_rows`` sees them all (duplicates, the database)."""
        mapping = batch.column_mapping()
        report = Report(batch.headers, mapping)
        header_row = batch.result["header_row"]
        rows: list[dict] = []
        for raw in batch.raw_rows:
            if raw["row"] <= header_row:
                continue
            cells = raw["cells"]
            values = {
                name: (cells[index] if index < len(cells) else "")
                for index, name in mapping.items()
            }
            if not any(cell_text(v) for n, v in values.items() if n != "sequence"):
                continue
            row = self.parse_row(raw["row"], values, report, target)
            if row is not None:
                rows.append(row)
        self.check_rows(rows, report, target)
        if not rows and not report.errors:
            report.errors.append(batch_error(self.no_rows_message))
        bad = report.rows_with_errors
        for row in rows:
            row["ok"] = row["row"] not in bad
        return Evaluation(rows=rows, errors=report.errors, warnings=report.warnings)

    no_rows_message: ClassVar[str] = "Tệp không có dòng dữ liệu nào."

    def parse_row(self, number: int, values: dict, report: Report, target: Any) -> dict | None:
        """One data row: {"row": number, "display": {field: text}, …what commit needs}; errors
        and warnings go to ``report``; None to skip the row (say why with a warning)."""
        raise NotImplementedError

    def check_rows(self, rows: list[dict], report: Report, target: Any) -> None:
        """Checks across rows and against the database (duplicates, codes already taken)."""

    def stale_since_preview(self, previewed: list[dict], evaluation: Evaluation) -> list[dict]:
        """In the background: errors for what changed between the preview and the commit."""
        return []

    def purge_result(self, result: dict) -> dict:
        """The batch's result once its rows are erased (``retention``): drop what must not
        outlive them (a staff import's unseen one-time passwords). Default: kept as it is."""
        return result

    def commit(self, *, actor: Actor, batch, target: Any, evaluation: Evaluation) -> dict:
        """Write every row through the domain's actions (each audits itself) and the kind's
        summary audit event, inside the machinery's ONE transaction; raise ``RowsRejected`` for
        a row that cannot be written. Returns counts kept on the batch's result ("count")."""
        raise NotImplementedError
