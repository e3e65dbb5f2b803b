"""Typst rendering: one entry point, fonts pinned by path, data passed as JSON.

``render_pdf(template, data)`` compiles ``hoso/printing/typst/<template>`` with ``data`` (NFC-
normalised, JSON) available to the template as ``json(bytes(sys.inputs.data))`` (see lib.typ's
``load-data()``). Only the fonts in ``FONT_DIR`` (Liberation 2.x, full Vietnamese coverage) are
visible to Typst: system fonts are ignored, so the old Liberation 1.x (no ơ, ư, ạ …) can never be
picked or silently mixed with a fallback family (notes/STACK-TRIAL.md §2). When that directory is
missing, Typst's embedded Libertinus Serif is used instead (also complete for Vietnamese).

``SignatureBox`` / ``signature_boxes(kind)`` give the blank rectangles the templates reserve for
visible signature stamps, in PDF points from the page's bottom-left corner.
"""

from __future__ import annotations

import json
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import typst

from hoso.core.errors import DomainError
from hoso.printing.errors import PrintingError

TYPST_DIR = Path(__file__).resolve().parent / "typst"
FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
PINNED_FAMILY = "Liberation Serif"
FALLBACK_FAMILY = "Libertinus Serif"  # embedded in typst

PDF_STANDARDS = frozenset({"1.7", "2.0", "a-2b", "a-3b", "a-3u", "a-4", "a-4f"})

_local = threading.local()


def font_family() -> str:
    """The single font family every document uses."""
    return PINNED_FAMILY if (FONT_DIR / "LiberationSerif-Regular.ttf").exists() else FALLBACK_FAMILY


def _compiler() -> typst.Compiler:
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        font_paths = [str(FONT_DIR)] if font_family() == PINNED_FAMILY else []
        compiler = typst.Compiler(
            root=str(TYPST_DIR), font_paths=font_paths, ignore_system_fonts=True
        )
        _local.compiler = compiler
    return compiler


def nfc_all(value):
    """NFC-normalise every string (keys and values) in a JSON-like structure."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc_all(k): nfc_all(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [nfc_all(v) for v in value]
    return value


def _attachment_inputs(attachments) -> tuple[list[dict], dict[str, str]]:
    meta: list[dict] = []
    inputs: dict[str, str] = {}
    for i, (name, content, mime) in enumerate(attachments or []):
        key = f"att{i}"
        if isinstance(content, str):
            content = content.encode()
        try:
            inputs[key] = content.decode("utf-8")
            encoding = "text"
        except UnicodeDecodeError:
            # Typst has no base64/hex decoder; a list of byte values is decoded in lib.typ.
            inputs[key] = ",".join(str(b) for b in content)
            encoding = "bytes"
        meta.append({"key": key, "name": nfc_all(name), "mime": mime or "", "encoding": encoding})
    return meta, inputs


def render_pdf(
    template: str,
    data: dict,
    *,
    pdf_standard: str | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    images: dict[str, bytes] | None = None,
) -> bytes:
    """Compile ``hoso/printing/typst/<template>`` with ``data`` → PDF bytes.

    ``pdf_standard``: e.g. "a-3b" for PDF/A-3b. ``attachments``: (file name, bytes, mime) files
    embedded in the PDF (PDF/A-3 associated files). ``images``: named image files (e.g. the QR
    code's PNG) readable in the template through lib.typ's ``input-bytes("img-<name>")``.
    """
    path = (TYPST_DIR / template).resolve()
    if path.parent != TYPST_DIR or not path.is_file() or path.suffix != ".typ":
        raise DomainError(PrintingError.UNKNOWN_TEMPLATE, "Không có mẫu in này.")
    if pdf_standard is not None and pdf_standard not in PDF_STANDARDS:
        raise DomainError(PrintingError.BAD_STANDARD, "Chuẩn PDF không được hỗ trợ.")
    meta, inputs = _attachment_inputs(attachments)
    sys_inputs = {
        "data": json.dumps(nfc_all(data), ensure_ascii=False, sort_keys=True, default=str),
        "font": font_family(),
        "attachments": json.dumps(meta, ensure_ascii=False),
        **inputs,
    }
    for name, blob in (images or {}).items():
        # Typst reads no binary input: the bytes travel as their decimal values.
        sys_inputs[f"img-{name}"] = ",".join(map(str, blob))
    try:
        pdf = _compiler().compile(
            input=str(path),
            format="pdf",
            sys_inputs=sys_inputs,
            pdf_standards=[pdf_standard] if pdf_standard else [],
            pdf_tags=pdf_standard in ("a-4", "a-4f") if pdf_standard else False,
        )
    except typst.TypstError as exc:  # a template bug or impossible data: never half a PDF
        raise DomainError(
            PrintingError.RENDER_FAILED, f"Không tạo được tệp PDF: {exc.message}"
        ) from exc
    return pdf


# ------------------------------------------------------------------------ signature boxes

# Page geometry shared with typst/lib.typ (keep both in sync; a test checks the blank space).
PAGE_WIDTH = 595.28  # A4, points
PAGE_HEIGHT = 841.89
MARGIN_LEFT = 56.69  # 2 cm
MARGIN_RIGHT = 42.52  # 1.5 cm
MARGIN_BOTTOM = 56.69  # 2 cm
# Kinds whose footer holds the verification QR code (≥ 20 mm + quiet zone): a taller margin.
MARGIN_BOTTOM_VERIFIED = 92.0
VERIFIED_KINDS = frozenset({"transcript"})
SIG_NAME_HEIGHT = 18.0  # the printed name under the blank space
SIG_SPACE_HEIGHT = 70.0  # the blank space for the visible stamp
SIG_PAD = 6.0


@dataclass(frozen=True)
class SignatureBox:
    """A blank rectangle for a visible signature stamp; page is 1-based, -1 = last page.
    Coordinates in PDF points from the page's bottom-left corner."""

    name: str
    page: int
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (self.x1, self.y1, self.x2, self.y2)


# Per document kind: the signers' slots, left to right, in the bottom signature block of the
# last page. Captions are printed by the templates (see lib.typ ``signature-block``).
SIGNATURE_LAYOUT: dict[str, list[tuple[str, str]]] = {
    "transcript": [
        ("homeroom", "GIÁO VIÊN CHỦ NHIỆM"),
        ("principal", "HIỆU TRƯỞNG"),
        ("school_seal", "XÁC NHẬN CỦA NHÀ TRƯỜNG"),
    ],
    "correction_minute": [
        ("requester", "NGƯỜI ĐỀ NGHỊ"),
        ("witness", "NGƯỜI CHỨNG KIẾN"),
        ("homeroom", "GIÁO VIÊN CHỦ NHIỆM"),
        ("principal", "HIỆU TRƯỞNG"),
    ],
    "class_book": [("homeroom", "GIÁO VIÊN CHỦ NHIỆM"), ("principal", "HIỆU TRƯỞNG")],
    "class_summary": [("homeroom", "GIÁO VIÊN CHỦ NHIỆM"), ("principal", "HIỆU TRƯỞNG")],
    "gradebook_sheet": [("teacher", "GIÁO VIÊN BỘ MÔN")],
    "enrolment_register": [("principal", "HIỆU TRƯỞNG")],
    "staff_register": [("principal", "HIỆU TRƯỞNG")],
    "approved_list": [("principal", "HIỆU TRƯỞNG")],
    "attendance_register": [("homeroom", "GIÁO VIÊN CHỦ NHIỆM"), ("principal", "HIỆU TRƯỞNG")],
}


# Wide books print on landscape A4 (the signature boxes follow the page's width).
LANDSCAPE_KINDS = frozenset(
    {
        "class_book",
        "class_summary",
        "enrolment_register",
        "staff_register",
        "attendance_register",
    }
)


def is_landscape(document_kind: str) -> bool:
    return document_kind in LANDSCAPE_KINDS


def signature_slots(document_kind: str) -> list[tuple[str, str]]:
    try:
        return SIGNATURE_LAYOUT[document_kind]
    except KeyError:
        raise DomainError(PrintingError.UNKNOWN_DOCUMENT, "Không có loại tài liệu này.") from None


def signature_boxes(document_kind: str) -> list[SignatureBox]:
    """Where the visible stamps of ``document_kind`` go (all on the last page, bottom block of
    the signature area; landscape kinds use the landscape page's width)."""
    slots = signature_slots(document_kind)
    page_width = PAGE_HEIGHT if is_landscape(document_kind) else PAGE_WIDTH
    width = page_width - MARGIN_LEFT - MARGIN_RIGHT
    column = width / len(slots)
    bottom = MARGIN_BOTTOM_VERIFIED if document_kind in VERIFIED_KINDS else MARGIN_BOTTOM
    y1 = bottom + SIG_NAME_HEIGHT
    y2 = y1 + SIG_SPACE_HEIGHT
    return [
        SignatureBox(
            name=name,
            page=-1,
            x1=round(MARGIN_LEFT + i * column + SIG_PAD, 2),
            y1=round(y1, 2),
            x2=round(MARGIN_LEFT + (i + 1) * column - SIG_PAD, 2),
            y2=round(y2, 2),
        )
        for i, (name, _caption) in enumerate(slots)
    ]
