"""What is inside an uploaded spreadsheet, checked BEFORE any parser reads it.

python-calamine loads a sheet into one dense grid from its first to its last cell holding a
value. A 5 KB .xlsx with values in A1 and XFD1048576 asks it for 17 billion cells (the process
aborts); a 6 KB .xls with a value in IV65536 costs a gigabyte; a 300 KB .xlsx can inflate to
300 MB. So before calamine sees a file, this module:

1. decides the container by its first bytes (ZIP: .xlsx or .ods; OLE2: .xls), never by its name;
2. for a ZIP, reads only the central directory and refuses too many parts, too much once
   inflated, or a part that packs too well (``Limits.max_ratio``) — a bomb is refused in
   milliseconds and without inflating a byte;
3. inflates each part with the declared size as a hard cap (a part that inflates to more than
   its directory entry says is refused, so a lying directory gains nothing) and checks its CRC;
4. finds how far the cells holding a value reach in every sheet — .xlsx from the cell and row
   references (a fast pass with ``bytes.count`` when every cell and row states its reference,
   as Excel, LibreOffice, Google Sheets and openpyxl write them; otherwise an exact pass with
   expat), .ods from the row and column repeats, .xls from the BIFF cell records of the workbook
   stream (found through the compound file's FAT) — and refuses a sheet beyond
   ``Limits.max_sheet_rows`` rows or ``Limits.max_columns`` columns.

Pure functions, no Django. Messages are Vietnamese; ``FileProblem`` codes say why.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import struct
import zipfile
import zlib
from xml.parsers import expat

from openpyxl.utils import get_column_letter

from hoso.core import files
from hoso.imports.errors import FileProblem, ImportFileError
from hoso.imports.limits import MB, Limits

ZIP_MAGIC, CFB_MAGIC = files.ZIP_MAGIC, files.CFB_MAGIC
XLSX, ODS, XLS = "xlsx", "ods", "xls"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

NOT_SPREADSHEET = "Tệp không phải bảng tính Excel hợp lệ (.xlsx, .xls hoặc .ods)."
_DAMAGED = "Tệp bảng tính bị hỏng hoặc có cấu trúc bất thường nên không đọc được."
_SAVE_AGAIN = "Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại dạng .xlsx rồi tải lên lại."


def refuse(problem: FileProblem, message: str) -> ImportFileError:
    return ImportFileError(problem, message)


def inspect(data: bytes, limits: Limits) -> str:
    """The container (``XLSX``, ``ODS`` or ``XLS``) once every check passed; raises
    ``ImportFileError`` otherwise."""
    if not data:
        raise refuse(FileProblem.EMPTY, "Tệp rỗng.")
    if len(data) > limits.max_bytes:
        raise refuse(FileProblem.TOO_LARGE, f"Tệp quá lớn: tối đa {limits.max_mb} MB.")
    if data.startswith(ZIP_MAGIC):
        return _inspect_zip(data, limits)
    if data.startswith(CFB_MAGIC):
        for stream in _cfb_workbook_streams(data):
            _check_xls_cells(stream, limits)
        return XLS
    raise refuse(FileProblem.NOT_SPREADSHEET, NOT_SPREADSHEET)


# --- Extents ----------------------------------------------------------------------------------


def _check_extent(rows: int, columns: int, limits: Limits) -> None:
    """Refuse a sheet whose last value sits beyond the limits (1-based row and column)."""
    if columns > limits.max_columns:
        raise refuse(
            FileProblem.TOO_MANY_COLUMNS,
            f"Tệp có dữ liệu ở cột {get_column_letter(min(columns, 16384))}, quá rộng: "
            f"hệ thống đọc tối đa {limits.max_columns} cột "
            f"(đến cột {get_column_letter(limits.max_columns)}). "
            "Hãy xóa các cột thừa ở bên phải rồi tải lên lại.",
        )
    if rows > limits.max_sheet_rows:
        raise refuse(
            FileProblem.TOO_MANY_ROWS,
            f"Tệp có dữ liệu ở dòng {rows}, quá dài: hệ thống đọc đến dòng "
            f"{limits.max_sheet_rows}. Hãy xóa các dòng thừa ở dưới rồi tải lên lại.",
        )


# --- ZIP: .xlsx and .ods ----------------------------------------------------------------------


def _inspect_zip(data: bytes, limits: Limits) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))  # reads the central directory only
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise refuse(FileProblem.NOT_SPREADSHEET, NOT_SPREADSHEET)
    if len(infos) > limits.max_entries:
        raise refuse(
            FileProblem.TOO_MANY_PARTS,
            f"Tệp có {len(infos)} thành phần (tối đa {limits.max_entries}): "
            f"không phải bảng tính thông thường. {_SAVE_AGAIN}",
        )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.max_unpacked:
        raise refuse(
            FileProblem.UNPACKED_TOO_LARGE,
            f"Tệp khi giải nén lớn đến {unpacked // MB} MB (tối đa "
            f"{limits.max_unpacked // MB} MB): không phải bảng tính thông thường nên hệ thống "
            "không đọc.",
        )
    names = {info.filename for info in infos}
    for info in infos:
        if info.flag_bits & 0x1:
            raise refuse(
                FileProblem.ENCRYPTED,
                "Tệp được đặt mật khẩu nên không đọc được. Hãy bỏ mật khẩu rồi tải lên lại.",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refuse(FileProblem.UNSUPPORTED, f"Tệp nén theo cách không hỗ trợ. {_SAVE_AGAIN}")
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise refuse(
                FileProblem.COMPRESSION_RATIO,
                f"Một thành phần của tệp nén bất thường (giải nén gấp "
                f"{info.file_size // max(info.compress_size, 1)} lần, tối đa "
                f"{limits.max_ratio} lần): không phải bảng tính thông thường nên hệ thống "
                "không đọc.",
            )
    if "xl/workbook.bin" in names:
        raise refuse(
            FileProblem.UNSUPPORTED,
            f"Tệp dạng Excel nhị phân (.xlsb) chưa được hỗ trợ. {_SAVE_AGAIN}",
        )
    if "xl/workbook.xml" in names:
        kind = XLSX
    elif "content.xml" in names and _stored_mimetype(archive, names) == ODS_MIMETYPE:
        kind = ODS
    else:
        raise refuse(FileProblem.NOT_SPREADSHEET, NOT_SPREADSHEET)
    declared = _declared_sheets(data, archive, names) if kind == XLSX else set()
    sheets = 0
    for info in infos:
        if info.is_dir():
            continue
        content = _inflate(data, info)
        if kind == XLSX:
            # The parts the workbook names as sheets, whatever they hold, and every part that
            # looks like XML, whatever its name (images and other binary parts are not read).
            read = info.filename in declared or _looks_like_xml(content)
            if read and _xlsx_extent(content, limits) != (0, 0):
                sheets += 1
        elif info.filename == "content.xml":
            sheets += _ods_tables(content, limits)
        if sheets > limits.max_sheets:
            raise refuse(
                FileProblem.TOO_MANY_SHEETS,
                f"Tệp có quá nhiều trang tính (tối đa {limits.max_sheets}).",
            )
    return kind


_RELATIONSHIP = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?Relationship((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>"
)
_RELATIONSHIP_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship[\s/>]")
_ATTRIBUTE = re.compile(rb"([A-Za-z_][\w.:-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ID_VALUE = re.compile(rb":id\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _looks_like_xml(content: bytes) -> bool:
    return content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _declared_sheets(data: bytes, archive: zipfile.ZipFile, names: set[str]) -> set[str]:
    """The parts xl/workbook.xml names as its sheets, through its relations, as a reader would
    resolve them ('worksheets/sheet1.xml', '/xl/worksheets/sheet1.xml', '../…'). A relation
    written in a way this does not read makes the file refused."""
    rels_name = "xl/_rels/workbook.xml.rels"
    if rels_name not in names:
        return set()
    workbook = _inflate(data, archive.getinfo("xl/workbook.xml"))
    rels = _inflate(data, archive.getinfo(rels_name))
    ids = {
        html.unescape((a or b).decode("utf-8", "replace")) for a, b in _ID_VALUE.findall(workbook)
    }
    found = _RELATIONSHIP.findall(rels)
    if len(found) != len(_RELATIONSHIP_START.findall(rels)):
        raise refuse(FileProblem.DAMAGED, _DAMAGED)
    parts: set[str] = set()
    for attributes in found:
        values = {
            name.rpartition(b":")[2]: html.unescape((a or b).decode("utf-8", "replace"))
            for name, a, b in _ATTRIBUTE.findall(attributes)
        }
        if values.get(b"Id") not in ids or not values.get(b"Target"):
            continue
        target = values[b"Target"].replace("\\", "/")
        for candidate in (target.lstrip("/"), "xl/" + target, posixpath.join("xl", target)):
            parts.add(posixpath.normpath(candidate).lstrip("/"))
    return parts


def _stored_mimetype(archive: zipfile.ZipFile, names: set[str]) -> bytes:
    if "mimetype" not in names:
        return b""
    info = archive.getinfo("mimetype")
    if info.file_size > 200:
        return b""
    try:
        return archive.read(info).strip()
    except Exception:
        return b""


def _inflate(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The part's bytes, never more than its declared size; refused if it lies or is broken."""
    offset = info.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or not header.startswith(ZIP_MAGIC):
        raise refuse(FileProblem.DAMAGED, _DAMAGED)
    name_length, extra_length = struct.unpack_from("<HH", header, 26)
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise refuse(FileProblem.DAMAGED, _DAMAGED)
    if info.compress_type == zipfile.ZIP_STORED:
        content = bytes(raw)
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            content = inflater.decompress(raw, info.file_size + 1)
            more = inflater.decompress(inflater.unconsumed_tail, 1) if not inflater.eof else b""
        except zlib.error:
            raise refuse(FileProblem.DAMAGED, _DAMAGED)
        if more or len(content) > info.file_size:
            raise refuse(
                FileProblem.DAMAGED,
                "Tệp khai sai kích thước bên trong (giải nén ra nhiều hơn đã khai): "
                "không phải bảng tính thông thường nên hệ thống không đọc.",
            )
    if len(content) != info.file_size or zlib.crc32(content) != info.CRC:
        raise refuse(FileProblem.DAMAGED, _DAMAGED)
    return content


# .xlsx sheets -----------------------------------------------------------------------------------
# The fast pass applies to a part written the usual way (Excel, LibreOffice, Google Sheets,
# openpyxl): after its declaration no comment, CDATA, DOCTYPE or processing instruction, no tab
# or line break, no namespace-prefixed <c>/<row>, every <c> and <row> opening with its reference
# (`<c r="B7"`, `<row r="7"`), and every attribute `r` spelled ` r="…"` without an entity. Then
# every cell's position is the value of such an attribute, and it is enough to look for one
# beyond the limits ANYWHERE in the part (calamine takes the last `r` of a tag, so a second one
# counts too; one inside a text only errs on the safe side). Anything else takes the exact pass.

_XML_DECLARATION = re.compile(rb"\s*(?:\xef\xbb\xbf)?<\?xml[^>]*\?>\s*")
_MARKUP = re.compile(rb"<[!?]")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")
_CELL_WITHOUT_REF = re.compile(rb'<c(?=[\s/>])(?! r="[A-Za-z]+[0-9]+")')
_ROW_WITHOUT_REF = re.compile(rb'<row(?=[\s/>])(?! r="[0-9]+")')
_ODD_R = re.compile(rb" r(?: |='|= |=\"[^\"]*&)")  # `r` not spelled ` r="…"`, or an entity
_ODD = (b"<!", b"<?", b"\t", b"\n", b"\r")
_GT_IN_ATTRIBUTE = re.compile(rb"=\s*(?:\"[^\"<]*>|'[^'<]*>)")
_NAME = rb"[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?"
_TAG_REST = re.compile(
    rb'[^"<>]*"(?:\s+' + _NAME + rb"\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(/?)>(</c>)?"
)


def _letters_beyond(limit: int) -> bytes:
    """A regex for column letters beyond column ``limit`` ('GR' → 'GS', 'HA', 'AAA'…)."""
    letters = get_column_letter(limit).encode()
    options = [b"[A-Za-z]{%d,}" % (len(letters) + 1)]
    for i, ch in enumerate(letters):
        if ch < ord("Z"):
            above = b"[%c-Z%c-z]" % (ch + 1, ch + 33)
            rest = len(letters) - i - 1
            options.append(re.escape(letters[:i]) + above + (b"[A-Za-z]{%d}" % rest))
    return b"(?:" + b"|".join(options) + b")"


def _plain(xml: bytes, start: int) -> bool:
    """Whether the part after its declaration is written the usual way (see above)."""
    if any(xml.find(odd, start) >= 0 for odd in _ODD) or _ODD_R.search(xml, start):
        return False
    prefixed = xml.find(b":c", start) >= 0 or xml.find(b":row", start) >= 0
    if prefixed and _PREFIXED.search(xml, start):
        return False
    return not _CELL_WITHOUT_REF.search(xml, start) and not _ROW_WITHOUT_REF.search(xml, start)


def _holds_value(xml: bytes, found: re.Match) -> bool:
    """Whether the tag whose `r` was found may hold a value: not `<c …/>` nor `<c …></c>`. The
    rest of the tag is read with the attribute grammar, so a '>' inside a value cannot mislead;
    an `r` outside a tag (in a text) is taken as a value, on the safe side."""
    rest = _TAG_REST.match(xml, found.end())
    return rest is None or not (rest.group(1) or rest.group(2))


def _xlsx_extent(xml: bytes, limits: Limits) -> tuple[int, int]:
    """Refuse a part whose values reach beyond the limits. (0, 0) for a part without cells or
    rows; else (1, 1) after the fast pass (which does not measure) or the exact extent."""
    if b"<c" not in xml and b"<row" not in xml and b":c" not in xml and b":row" not in xml:
        return 0, 0
    declaration = _XML_DECLARATION.match(xml)
    start = declaration.end() if declaration else 0
    if not _plain(xml, start):
        rows, columns = _xlsx_extent_exact(xml)
        _check_extent(rows, columns, limits)
        return rows, columns
    wide = re.compile(rb' r="(' + _letters_beyond(limits.max_columns) + rb")[0-9]")
    for found in wide.finditer(xml, start):
        if _holds_value(xml, found):
            _check_extent(0, _column_number(found.group(1)), limits)
    digits = len(str(limits.max_sheet_rows))
    far = re.compile(rb' r="[A-Za-z]*([0-9]{%d,})' % digits)
    for found in far.finditer(xml, start):
        if xml.startswith(b"<row", xml.rfind(b"<", 0, found.start())):
            continue  # a row's own number places nothing here: every cell has its reference
        if _holds_value(xml, found):
            _check_extent(int(found.group(1)), 0, limits)
    return 1, 1


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
        if number > 1 << 20:
            break
    return number


_REF = re.compile(r"([A-Za-z]+)([0-9]+)")


def _xlsx_extent_exact(xml: bytes) -> tuple[int, int]:
    """(last row, last column) that a reader could place a value at, following the cells and
    rows in document order as calamine does (a cell or row without a reference comes after
    the previous one); conservative where the two could differ."""
    state = {"row": 0, "col": 0, "cell": None, "rows": 0, "cols": 0}

    def start(name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            ref = attrs.get("r")
            found = _REF.fullmatch(ref) if ref else None
            if found:
                col = _column_number(found.group(1).encode())
                row = int(found.group(2)) if len(found.group(2)) < 12 else 1 << 40
                state["col"] = max(state["col"], col)
            else:
                state["col"] += 1
                col, row = state["col"], state["row"]
            state["cell"] = (row, col)
        elif local == "row":
            ref = attrs.get("r")
            if ref and ref.isdigit() and len(ref) < 12:
                state["row"] = max(int(ref), state["row"] + 1)
            else:
                state["row"] += 1
            state["col"] = 0
        elif local in ("v", "is", "f") and state["cell"] is not None:
            row, col = state["cell"]
            state["rows"] = max(state["rows"], row)
            state["cols"] = max(state["cols"], col)

    def end(name: str) -> None:
        if name.rpartition(":")[2] == "c":
            state["cell"] = None

    _expat(xml, start, end)
    return state["rows"], state["cols"]


def _expat(xml: bytes, start, end, text=None) -> None:
    """Parse ``xml`` with expat, calling the handlers; a DOCTYPE (entities that multiply) or a
    document that is not well-formed is refused."""
    if re.search(rb"<!DOCTYPE", xml, re.I):
        raise refuse(FileProblem.DAMAGED, _DAMAGED)
    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        parser.Parse(xml, True)
    except expat.ExpatError:
        raise refuse(FileProblem.DAMAGED, _DAMAGED)


# .ods content ----------------------------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<()table:(table-cell|covered-table-cell)([\s/][^>]*)?>|<(/?)table:(table-row|table)([\s/][^>]*)?>"
)
_ODS_OTHER_PREFIX = re.compile(
    rb"<(?!table:)[A-Za-z_][\w.-]*:(?:table|table-row|table-cell|covered-table-cell)[\s/>]"
)
_ODS_ODD_REPEAT = re.compile(rb"repeated\s*=\s*[\"'](?![0-9]+[\"'])")  # an entity, a space…
_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"']([0-9]+)")
_COLUMNS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"']([0-9]+)")


def _repeat(pattern: re.Pattern, attrs: bytes) -> int:
    """The run length a row or cell declares; the largest if it declares several (a reader may
    take any of them)."""
    if b"repeated" not in attrs:
        return 1
    found = [int(n) if len(n) < 12 else 1 << 40 for n in pattern.findall(attrs)]
    return max(max(found, default=1), 1)


def _ods_tables(xml: bytes, limits: Limits) -> int:
    """Refuse a table whose last value lies beyond the limits; the number of tables.

    Rows and cells carry no position in ODF: they follow each other, ``number-rows-repeated``
    and ``number-columns-repeated`` standing for runs (LibreOffice ends every row with an empty
    run to column 16384, every sheet with an empty run of a million rows). A cell holds a value
    when it has an ``office:value-type`` or any content; empty runs move the position without
    reaching a value."""
    declaration = _XML_DECLARATION.match(xml)
    if (
        _MARKUP.search(xml, declaration.end() if declaration else 0)
        or _GT_IN_ATTRIBUTE.search(xml)
        or _ODS_OTHER_PREFIX.search(xml)
        or _ODS_ODD_REPEAT.search(xml)
    ):
        # Comments, CDATA, '>' inside an attribute, another prefix: a real XML parser reads it.
        return _ods_tables_exact(xml, limits)
    tables = 0
    stack: list[list[int]] = []  # per open table: [row position, rows reached, columns reached]
    row_repeat, column, row_has_value = 1, 0, False
    for _, cell, cell_attrs, closing, name, attrs in _ODS_TAG.findall(xml):
        if cell:
            if stack:
                repeat = _repeat(_COLUMNS_REPEATED, cell_attrs)
                if not cell_attrs.endswith(b"/") or b"value-type" in cell_attrs:
                    row_has_value = True
                    stack[-1][2] = max(stack[-1][2], column + repeat)
                column += repeat
            continue
        if name == b"table":
            if closing:
                if stack:
                    _, rows, columns = stack.pop()
                    _check_extent(rows, columns, limits)
            elif not attrs.endswith(b"/"):
                stack.append([0, 0, 0])
                tables += 1
            continue
        if not stack:
            continue
        table = stack[-1]
        if closing:
            if row_has_value:
                table[1] = max(table[1], table[0] + row_repeat)
                _check_extent(table[1], table[2], limits)
            table[0] += row_repeat
        else:
            row_repeat, column, row_has_value = _repeat(_ROWS_REPEATED, attrs), 0, False
            if attrs.endswith(b"/"):
                table[0] += row_repeat
    for _, rows, columns in stack:
        _check_extent(rows, columns, limits)
    return tables


def _ods_tables_exact(xml: bytes, limits: Limits) -> int:
    stack: list[list[int]] = []
    state = {"tables": 0, "repeat": 1, "column": 0, "value": False, "cell_depth": 0}

    def repeat_of(attrs: dict, key: str) -> int:
        found = [
            int(value) if value.isdigit() and len(value) < 12 else 1 << 40
            for name, value in attrs.items()
            if name.rpartition(":")[2] == key
        ]
        return max(max(found, default=1), 1)

    def start(name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "table":
            stack.append([0, 0, 0])
            state["tables"] += 1
        elif not stack:
            return
        elif local == "table-row":
            state["repeat"] = repeat_of(attrs, "number-rows-repeated")
            state["column"], state["value"] = 0, False
        elif local in ("table-cell", "covered-table-cell"):
            repeat = repeat_of(attrs, "number-columns-repeated")
            state["cell"] = (state["column"], repeat)
            if any(k.rpartition(":")[2] == "value-type" for k in attrs):
                _mark_cell()
            state["column"] += repeat
        elif state.get("cell"):
            _mark_cell()  # any content inside a cell

    def _mark_cell() -> None:
        column, repeat = state["cell"]
        table = stack[-1]
        table[2] = max(table[2], column + repeat)
        state["value"] = True

    def end(name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "table" and stack:
            _, rows, cols = stack.pop()
            _check_extent(rows, cols, limits)
        elif local == "table-row" and stack:
            table = stack[-1]
            if state["value"]:
                table[1] = max(table[1], table[0] + state["repeat"])
            table[0] += state["repeat"]
        elif local in ("table-cell", "covered-table-cell"):
            state["cell"] = None

    def text(data: str) -> None:
        if state.get("cell") and data.strip():
            _mark_cell()

    _expat(xml, start, end, text)
    return state["tables"]


# --- OLE2 compound file: .xls -----------------------------------------------------------------

_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_BOF = 0x0809
_CELL_RECORDS = frozenset(
    {
        0x0006,  # FORMULA
        0x0406,  # FORMULA (BIFF4)
        0x00D6,  # RSTRING
        0x00FD,  # LABELSST
        0x0203,  # NUMBER
        0x0204,  # LABEL
        0x0205,  # BOOLERR
        0x027E,  # RK
    }
)
_MULRK = 0x00BD


def _cfb_workbook_streams(data: bytes) -> list[bytes]:
    """The 'Workbook' (BIFF8) or 'Book' (BIFF5) streams of an OLE2 compound file (MS-CFB)."""
    if len(data) < 512:
        raise refuse(FileProblem.DAMAGED, _DAMAGED)
    byte_order, sector_shift, mini_shift = struct.unpack_from("<HHH", data, 28)
    if byte_order != 0xFFFE or sector_shift not in (9, 12) or mini_shift != 6:
        raise refuse(FileProblem.DAMAGED, _DAMAGED)
    size = 1 << sector_shift
    (fat_sectors, first_dir, mini_cutoff, first_mini_fat, mini_fat_sectors, first_difat,
     difat_sectors) = struct.unpack_from("<I I 4x I I I I I", data, 44)  # fmt: skip
    sectors = (len(data) - 512) // size + 1
    if fat_sectors > sectors or difat_sectors > sectors or mini_fat_sectors > sectors:
        raise refuse(FileProblem.DAMAGED, _DAMAGED)

    def sector(index: int) -> bytes:
        start = (index + 1) * size
        if start >= len(data):
            raise refuse(FileProblem.DAMAGED, _DAMAGED)
        return data[start : start + size]

    difat = list(struct.unpack_from("<109I", data, 76))
    next_difat = first_difat
    for _ in range(difat_sectors):
        if next_difat in (_END_OF_CHAIN, _FREE):
            break
        block = struct.unpack(f"<{size // 4}I", sector(next_difat).ljust(size, b"\0"))
        difat.extend(block[:-1])
        next_difat = block[-1]
    fat: list[int] = []
    for index in difat[:fat_sectors]:
        if index in (_END_OF_CHAIN, _FREE):
            continue
        fat.extend(struct.unpack(f"<{size // 4}I", sector(index).ljust(size, b"\0")))

    def chain(start: int, table: list[int], limit: int) -> list[int]:
        out, seen = [], set()
        while start not in (_END_OF_CHAIN, _FREE):
            if start in seen or start >= len(table) or len(out) > limit:
                raise refuse(FileProblem.DAMAGED, _DAMAGED)
            seen.add(start)
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sector(i) for i in chain(first_dir, fat, sectors))
    entries = []
    for offset in range(0, len(directory) - 127, 128):
        name_length = struct.unpack_from("<H", directory, offset + 64)[0]
        kind = directory[offset + 66]
        start, length = struct.unpack_from("<IQ", directory, offset + 116)
        name = directory[offset : offset + min(name_length, 64)].decode("utf-16-le", "replace")
        entries.append((name.rstrip("\0"), kind, start, length))
    if not entries or entries[0][1] != 5:
        raise refuse(FileProblem.DAMAGED, _DAMAGED)
    if size == 512:
        entries = [(n, k, s, length & 0xFFFFFFFF) for n, k, s, length in entries]
    root_start, root_length = entries[0][2], entries[0][3]
    streams = []
    for name, kind, start, length in entries:
        if kind != 2 or name.casefold() not in ("workbook", "book"):
            continue
        if length > len(data):
            raise refuse(FileProblem.DAMAGED, _DAMAGED)
        if length < mini_cutoff:
            mini_stream = b"".join(sector(i) for i in chain(root_start, fat, sectors))
            mini_stream = mini_stream[:root_length]
            mini_fat_bytes = b"".join(sector(i) for i in chain(first_mini_fat, fat, sectors))
            mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
            pieces = chain(start, mini_fat, len(mini_stream) // 64 + 1)
            stream = b"".join(mini_stream[i * 64 : i * 64 + 64] for i in pieces)
        else:
            stream = b"".join(sector(i) for i in chain(start, fat, sectors))
        streams.append(stream[:length])
    if not streams:
        raise refuse(FileProblem.NOT_SPREADSHEET, NOT_SPREADSHEET)
    return streams


def _check_xls_cells(stream: bytes, limits: Limits) -> None:
    """Every BIFF cell record holding a value (blank cells do not count: calamine skips them),
    sheet by sheet (a BOF record starts each)."""
    position, end = 0, len(stream)
    rows = columns = sheets = 0
    unpack = struct.unpack_from
    while position + 4 <= end:
        kind, length = unpack("<HH", stream, position)
        body = position + 4
        position = body + length
        if kind in _CELL_RECORDS and length >= 4:
            row, column = unpack("<HH", stream, body)
        elif kind == _MULRK and length >= 6:
            row = unpack("<H", stream, body)[0]
            column = unpack("<H", stream, body + length - 2)[0]
        elif kind == _BOF:
            _check_extent(rows, columns, limits)
            rows = columns = 0
            sheets += 1
            if sheets > limits.max_sheets + 1:  # the workbook globals start with a BOF too
                raise refuse(
                    FileProblem.TOO_MANY_SHEETS,
                    f"Tệp có quá nhiều trang tính (tối đa {limits.max_sheets}).",
                )
            continue
        else:
            continue
        if row >= rows:
            rows = row + 1
        if column >= columns:
            columns = column + 1
    _check_extent(rows, columns, limits)
