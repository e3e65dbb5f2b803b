"""Text inside uploaded records, for search (tìm kiếm theo nội dung).

Pure functions over a binary file object: PDF through pypdf, DOCX through ``zipfile`` and
``word/document.xml`` (plus headers, footers and footnotes). Other types (XLSX, images) have no
text here. The result is NFC-normalised and capped (``MAX_CHARS``) so one huge upload cannot fill
the database; ``fold`` of it is what search compares against.

Nothing here touches the database: the background task in ``search.py`` reads the file from
storage, calls :func:`extract_text` and stores the result on the submission.
"""

from __future__ import annotations

import logging
import re
import zipfile
from typing import BinaryIO
from xml.etree import ElementTree

from hoso.core import files
from hoso.core.text import nfc

logger = logging.getLogger("hoso.records")

MAX_CHARS = 200_000  # ≈ 100 pages of text; enough to search, bounded in the database
MAX_PDF_PAGES = 300
MAX_XML_BYTES = 50 * 1024 * 1024  # a zip bomb in word/document.xml stops here

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCX_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


def enqueue_extraction(submission_id: int) -> None:
    """Hook called by ``records.actions`` after an upload commits: queue the background task
    that fills the submission's searchable text (``search.extract_submission_text``)."""
    from hoso.records.search import extract_submission_text

    try:
        extract_submission_text.enqueue(submission_id)
    except Exception:  # queue down: ``manage.py records_extract_text`` catches up later
        logger.exception("Could not enqueue text extraction of submission %s", submission_id)


def sniff_kind(head: bytes) -> str:
    """'pdf', 'docx' or '' from the first bytes (content, not the name)."""
    if files.is_pdf(head):
        return "pdf"
    if files.is_zip(head):
        return "zip"
    return ""


def extract_text(fileobj: BinaryIO, *, content_type: str = "", name: str = "") -> str:
    """The text of a PDF or DOCX, NFC, at most ``MAX_CHARS``; '' for other types or damaged
    files (logged, never raised: a broken upload must not stop the queue)."""
    head = fileobj.read(8)
    fileobj.seek(0)
    kind = sniff_kind(head)
    try:
        if kind == "pdf":
            text = pdf_text(fileobj)
        elif kind == "zip":
            text = docx_text(fileobj)
        else:
            return ""
    except Exception:  # damaged or encrypted file: searchable by its metadata only
        logger.warning("Could not extract text from %s (%s)", name or "upload", content_type)
        return ""
    return clean(text)


def clean(text: str) -> str:
    text = nfc(text.replace("\x00", " "))
    return text[:MAX_CHARS]


def pdf_text(fileobj: BinaryIO) -> str:
    from pypdf import PdfReader

    reader = PdfReader(fileobj)
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:
            return ""
    parts: list[str] = []
    size = 0
    for index, page in enumerate(reader.pages):
        if index >= MAX_PDF_PAGES or size > MAX_CHARS:
            break
        chunk = page.extract_text() or ""
        parts.append(chunk)
        size += len(chunk)
    return "\n".join(parts)


def docx_text(fileobj: BinaryIO) -> str:
    """Paragraph texts of the body, headers, footers and notes of a DOCX ('' if not a DOCX)."""
    with zipfile.ZipFile(fileobj) as archive:
        names = [n for n in archive.namelist() if _DOCX_PARTS.match(n)]
        # the body first, then the rest in a stable order
        names.sort(key=lambda n: (n != "word/document.xml", n))
        parts: list[str] = []
        for part in names:
            info = archive.getinfo(part)
            if info.file_size > MAX_XML_BYTES:
                continue
            with archive.open(part) as stream:
                parts.extend(_docx_paragraphs(stream.read()))
    return "\n".join(parts)


def _docx_paragraphs(xml: bytes) -> list[str]:
    root = ElementTree.fromstring(xml)  # noqa: S314 - stdlib expat: no external entities
    out: list[str] = []
    for paragraph in root.iter(f"{_W}p"):
        pieces: list[str] = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                pieces.append(node.text)
            elif node.tag == f"{_W}tab":
                pieces.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                pieces.append("\n")
        line = "".join(pieces).strip()
        if line:
            out.append(line)
    return out
