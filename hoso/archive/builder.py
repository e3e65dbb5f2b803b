"""The ZIP of an archive export: files, manifest (CSV and JSON) and SHA256SUMS.

Pure of the database: the caller gives :class:`ArchiveItem` rows (a path inside the archive, a way
to open the file, its manifest fields, the checksum recorded at upload) and a binary file to write
into. Files are copied in 1 MiB chunks straight into the ZIP member while their SHA-256 is computed,
so an export never holds a whole file (or the whole archive) in memory. A file whose bytes no
longer match the checksum recorded at upload is still archived, and listed in ``mismatches`` (the
export shows it: the copy in storage was altered or damaged).

Layout::

    <root>/<year>/<owner>/<record type>/<period>/v<version>_<file name>
    <root>/manifest.csv      (UTF-8 with BOM, so Excel opens the Vietnamese correctly)
    <root>/manifest.json
    <root>/SHA256SUMS        ("<sha256>  <path>" per line, paths relative to <root>; ``sha256sum -c``)
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

CHUNK = 1024 * 1024

MANIFEST_FIELDS = [
    "path",
    "owner",
    "record_type",
    "period",
    "version",
    "uploaded_by",
    "uploaded_at",
    "state",
    "sha256",
    "size",
    "retention_until",
]
# Vietnamese headers of manifest.csv, in the order of MANIFEST_FIELDS
MANIFEST_HEADERS = [
    "Đường dẫn",
    "Chủ sở hữu",
    "Loại hồ sơ",
    "Kỳ",
    "Phiên bản",
    "Người tải lên",
    "Thời điểm tải lên",
    "Trạng thái",
    "SHA-256",
    "Dung lượng (byte)",
    "Lưu trữ đến",
]

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_SPACES = re.compile(r"\s+")


def safe_segment(value: str, *, fallback: str = "_") -> str:
    """One path segment: NFC, no separators or characters Windows refuses, no leading dots,
    at most 120 characters. Vietnamese letters are kept."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = _SPACES.sub(" ", _UNSAFE.sub("_", text)).strip().lstrip(".").strip()
    text = text[:120].rstrip(" .")
    return text or fallback


@dataclass
class ArchiveItem:
    segments: list[str]  # year, owner, record type, period (made safe here)
    filename: str
    version: int
    opener: Callable[[], BinaryIO]
    meta: dict  # owner, record_type, period, uploaded_by, uploaded_at, state, retention_until
    expected_sha256: str = ""
    modified: datetime | None = None


@dataclass
class BuildResult:
    files: int = 0
    bytes: int = 0
    rows: list[dict] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)  # paths whose bytes ≠ recorded sha256
    missing: list[str] = field(default_factory=list)  # paths whose file could not be read


def _zip_time(moment: datetime | None) -> tuple[int, int, int, int, int, int]:
    if moment is None:
        return (1980, 1, 1, 0, 0, 0)
    from django.utils import timezone

    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)


def _unique(path: str, used: set[str]) -> str:
    if path not in used:
        used.add(path)
        return path
    stem, dot, ext = path.rpartition(".")
    if not dot or "/" in ext:
        stem, ext = path, ""
    n = 2
    while True:
        candidate = f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})"
        if candidate not in used:
            used.add(candidate)
            return candidate
        n += 1


def build_zip(
    items: Iterable[ArchiveItem],
    out: BinaryIO,
    *,
    root: str,
    progress: Callable[[int], None] | None = None,
    created_at: datetime | None = None,
) -> BuildResult:
    """Write the archive to ``out`` (a seekable binary file). ``progress(n)`` is called after
    each file with the number of files done so far."""
    root = safe_segment(root, fallback="luu-tru")
    result = BuildResult()
    used: set[str] = set()
    sums: list[tuple[str, str]] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for item in items:
            segs = [safe_segment(s) for s in item.segments]
            name = f"v{item.version}_{safe_segment(item.filename, fallback='tep')}"
            rel = _unique("/".join([*segs, name]), used)
            info = zipfile.ZipInfo(f"{root}/{rel}", date_time=_zip_time(item.modified))
            info.compress_type = zipfile.ZIP_DEFLATED
            digest = hashlib.sha256()
            size = 0
            try:
                source = item.opener()
            except (OSError, FileNotFoundError):
                result.missing.append(rel)
                continue
            with source, archive.open(info, "w", force_zip64=True) as member:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    member.write(chunk)
                    size += len(chunk)
            sha = digest.hexdigest()
            if item.expected_sha256 and item.expected_sha256.lower() != sha:
                result.mismatches.append(rel)
            sums.append((sha, rel))
            row = {"path": rel, "version": item.version, "sha256": sha, "size": size}
            for key in MANIFEST_FIELDS:
                row.setdefault(key, item.meta.get(key, ""))
            result.rows.append(row)
            result.files += 1
            result.bytes += size
            if progress is not None:
                progress(result.files)

        csv_bytes = manifest_csv(result.rows)
        json_bytes = manifest_json(result.rows, created_at=created_at, root=root, result=result)
        stamp = _zip_time(created_at)
        for rel, data in (("manifest.csv", csv_bytes), ("manifest.json", json_bytes)):
            archive.writestr(zipfile.ZipInfo(f"{root}/{rel}", date_time=stamp), data)
            sums.append((hashlib.sha256(data).hexdigest(), rel))
        sums_text = "".join(f"{sha}  {rel}\n" for sha, rel in sums)
        archive.writestr(
            zipfile.ZipInfo(f"{root}/SHA256SUMS", date_time=stamp), sums_text.encode("utf-8")
        )
    return result


def manifest_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADERS)
    for row in rows:
        writer.writerow([row.get(k, "") for k in MANIFEST_FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def manifest_json(rows: list[dict], *, created_at, root: str, result: BuildResult) -> bytes:
    payload = {
        "root": root,
        "created_at": created_at.isoformat() if created_at else None,
        "fields": MANIFEST_FIELDS,
        "files": rows,
        "checksum_mismatches": result.mismatches,
        "unreadable": result.missing,
    }
    return json.dumps(payload, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def verify_zip(source: BinaryIO) -> list[str]:
    """Problems found in an archive made by :func:`build_zip` ('' list = every checksum in
    SHA256SUMS and in manifest.json matches its file, and every file is listed). For tests and
    for ``manage.py archive_verify``."""
    problems: list[str] = []
    with zipfile.ZipFile(source) as archive:
        names = archive.namelist()
        sums_name = next((n for n in names if n.endswith("/SHA256SUMS")), None)
        if sums_name is None:
            return ["Thiếu tệp SHA256SUMS."]
        root = sums_name.rsplit("/", 1)[0]
        listed: dict[str, str] = {}
        for line in archive.read(sums_name).decode("utf-8").splitlines():
            sha, _, rel = line.partition("  ")
            listed[rel] = sha
        for rel, sha in listed.items():
            name = f"{root}/{rel}"
            if name not in names:
                problems.append(f"Thiếu tệp {rel}.")
                continue
            digest = hashlib.sha256()
            with archive.open(name) as stream:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() != sha:
                problems.append(f"Sai mã SHA-256: {rel}.")
        for name in names:
            rel = name[len(root) + 1 :]
            if rel != "SHA256SUMS" and rel not in listed:
                problems.append(f"Tệp không có trong SHA256SUMS: {rel}.")
        manifest = json.loads(archive.read(f"{root}/manifest.json"))
        for row in manifest["files"]:
            if listed.get(row["path"]) != row["sha256"]:
                problems.append(f"Bản kê và SHA256SUMS khác nhau: {row['path']}.")
            elif f"{root}/{row['path']}" not in names:
                continue  # reported above as missing
            elif archive.getinfo(f"{root}/{row['path']}").file_size != row["size"]:
                problems.append(f"Sai dung lượng: {row['path']}.")
    return problems
