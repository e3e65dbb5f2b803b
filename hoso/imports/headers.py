"""Header rows: recognising what a column holds, and the keys of a saved column mapping.

A header is compared folded (no marks, đ→d, lower case, punctuation dropped): 'SĐT cha (*)' and
'sdt cha' are the same. A field names its aliases already folded; its label counts as one. A
saved mapping names columns by their folded header ('#2' on a repeat, '@H' for a column without
a header), so it applies to any file whose header row has the same signature. Pure, no Django.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from hoso.core.text import fold
from hoso.imports.cells import cell_text, column_label

SOURCES = (
    ("csdl_nganh", "CSDL ngành"),
    ("vnedu", "vnEdu"),
    ("smas", "SMAS"),
    ("khac", "Khác"),
)
SOURCE_CODES = frozenset(code for code, _ in SOURCES)


@dataclass(frozen=True)
class FieldSpec:
    """What a file column can be mapped to."""

    name: str
    label: str
    aliases: tuple[str, ...] = ()  # folded headers that name it ('ma hs', 'so hieu hs')
    max_length: int | None = None
    hint: str = ""  # shown beside the label when mapping: 'ĐĐGtx 1 (điểm 0–10)'

    @property
    def choice_label(self) -> str:
        return f"{self.label} ({self.hint})" if self.hint else self.label


def header_key(text: Any) -> str:
    """'SĐT cha (*)' → 'sdt cha': folded, punctuation dropped."""
    return re.sub(r"[^a-z0-9]+", " ", fold(cell_text(text))).strip()


def headers_of(row: dict | None, width: int) -> list[str]:
    cells = row["cells"] if row else []
    return [cell_text(cells[i]) if i < len(cells) else "" for i in range(width)]


def header_keys(headers: list[str]) -> list[str]:
    """Keys that name each column in a saved mapping: the folded header, '#2' on a repeat,
    '@H' for a column without a header."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key:
            keys.append("@" + get_column_letter(index + 1))
            continue
        seen[key] = seen.get(key, 0) + 1
        keys.append(key if seen[key] == 1 else f"{key} #{seen[key]}")
    return keys


def signature(headers: list[str]) -> str:
    """sha256 of the folded header list (trailing empty headers ignored)."""
    keys = [header_key(h) for h in headers]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


def alias_table(fields: tuple[FieldSpec, ...] | list[FieldSpec]) -> dict[str, str]:
    """{folded header: field name}: every alias, and each label (the first field wins)."""
    table: dict[str, str] = {}
    for spec in fields:
        for alias in (*spec.aliases, header_key(spec.label)):
            table.setdefault(alias, spec.name)
    return table


def recognise(header: str, table: dict[str, str]) -> str | None:
    """The field a header names, by alias; '(dd/mm/yyyy)'-style notes are ignored."""
    found = table.get(header_key(header))
    if found:
        return found
    return table.get(header_key(re.sub(r"\(.*?\)|\[.*?\]", " ", header)))


def suggest_by_aliases(headers: list[str], table: dict[str, str]) -> dict[int, str]:
    """Recognised headers → fields; a field goes to its first column only."""
    out: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        name = recognise(header, table)
        if name and name not in taken:
            out[index] = name
            taken.add(name)
    return out


def mapping_from_saved(columns: dict[str, str], headers: list[str]) -> dict[int, str]:
    """A saved mapping applied to this header row. Targets are kept as saved: one this target
    no longer has is reported by the mapping check, never dropped in silence."""
    keys = header_keys(headers)
    return {i: columns[k] for i, k in enumerate(keys) if columns.get(k)}


def mapping_to_saved(mapping: dict[int, str], headers: list[str]) -> dict[str, str]:
    keys = header_keys(headers)
    return {keys[i]: f for i, f in sorted(mapping.items()) if i < len(keys) and f}


def mapping_problems(
    mapping: dict[int, str],
    headers: list[str],
    fields: list[FieldSpec],
    *,
    invalid: str = "Cột {column} được ghép vào “{target}”, không có trong danh sách trường.",
    repeated: str = "“{field}” được ghép với nhiều cột: {columns}.",
) -> list[str]:
    """Targets that do not exist, and fields mapped from several columns, in Vietnamese (the
    wording is the importer's: ``{column}``, ``{target}``, ``{field}``, ``{columns}``)."""
    by_name = {f.name: f for f in fields}
    problems: list[str] = []
    columns_of: dict[str, list[int]] = {}
    for index, name in sorted(mapping.items()):
        if name not in by_name:
            problems.append(invalid.format(column=column_label(index, headers), target=name))
            continue
        columns_of.setdefault(name, []).append(index)
    for name, indexes in columns_of.items():
        if len(indexes) > 1:
            letters = ", ".join(column_label(i, headers) for i in indexes)
            problems.append(repeated.format(field=by_name[name].label, columns=letters))
    return problems
