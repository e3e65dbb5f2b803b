"""How much of a spreadsheet an import reads at most. Each importer may tighten or widen them."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # The upload itself.
    max_bytes: int = 5 * MB
    # Inside a ZIP container (.xlsx, .ods), read from its central directory before inflating.
    max_unpacked: int = 50 * MB  # all parts together, uncompressed
    max_entries: int = 1000  # parts in the archive
    max_ratio: int = 100  # uncompressed / compressed size of one part…
    ratio_floor: int = 1 * MB  # …once the part is larger than this (small parts may pack well)
    # Where the cells are, checked before the sheet is loaded (a far cell costs memory).
    max_sheets: int = 50
    max_sheet_rows: int = 10_000  # the last row holding a value, in any sheet
    max_columns: int = 200  # the last column holding a value
    # While reading.
    max_rows: int = 2000  # non-empty rows below the header, per sheet
    header_rows: int = 10  # the first non-empty rows, where the header row is looked for
    max_cell_chars: int = 2000  # a longer cell is refused, never cut
    row_noun: str = "dòng"  # "tối đa 2000 học sinh một lần"

    @property
    def max_mb(self) -> int:
        return self.max_bytes // MB
