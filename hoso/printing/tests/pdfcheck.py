"""PDF checks shared by the printing tests: text (pdftotext), fonts (pdffonts), page 1 as PNG."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

from hoso.printing.render import font_family

PNG_DIR = Path(os.environ.get("HOSO_PRINT_PNG_DIR", tempfile.gettempdir())) / "hoso-printing-png"


def pdf_text(pdf: bytes, *, layout: bool = True) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(
            ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", f.name, "-"],
            check=True,
            capture_output=True,
        )
    return out.stdout.decode("utf-8")


def pdf_text_flat(pdf: bytes) -> str:
    """The text in reading order with every run of white space as one space (a phrase that a
    line break splits is still found)."""
    return " ".join(pdf_text(pdf, layout=False).split())


def pdf_fonts(pdf: bytes) -> list[str]:
    """The base font names (subset prefix removed) of every font in the PDF."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdffonts", f.name], check=True, capture_output=True, text=True)
    names = []
    for line in out.stdout.splitlines()[2:]:
        name = line.split()[0]
        names.append(name.split("+", 1)[-1])
    return names


def assert_fonts_pinned(pdf: bytes) -> None:
    """Only the pinned family, embedded; no Liberation 1.x fallback, no other family."""
    family = font_family().replace(" ", "")
    names = pdf_fonts(pdf)
    assert names, "no font in the PDF"
    for name in names:
        assert name.startswith(family), f"unexpected font {name} (expected only {family})"


def _png_grey(path: Path) -> tuple[int, int, bytes]:
    """Width, height and grey levels (first channel) of an 8-bit greyscale or RGB PNG."""
    raw = path.read_bytes()
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(raw):
        length, kind = struct.unpack(">I4s", raw[pos : pos + 8])
        chunk = raw[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (0, 2), "expected 8-bit greyscale or RGB"
            bpp = 1 if colour == 0 else 3
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    data = zlib.decompress(idat)
    stride = width * bpp
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        row_start = y * (stride + 1)
        ftype = data[row_start]
        row = bytearray(data[row_start + 1 : row_start + 1 + stride])
        if ftype == 1:
            for x in range(bpp, stride):
                row[x] = (row[x] + row[x - bpp]) & 0xFF
        elif ftype == 2:
            row = bytearray((a + b) & 0xFF for a, b in zip(row, prev, strict=True))
        elif ftype == 3:
            for x in range(stride):
                left = row[x - bpp] if x >= bpp else 0
                row[x] = (row[x] + ((left + prev[x]) >> 1)) & 0xFF
        elif ftype == 4:
            for x in range(stride):
                a = row[x - bpp] if x >= bpp else 0
                b, c = prev[x], prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                row[x] = (row[x] + pred) & 0xFF
        out += row[::bpp]
        prev = row
    return width, height, bytes(out)


def png_page1(pdf: bytes, name: str, *, landscape: bool = False) -> Path:
    """Render page 1 to a greyscale PNG at 50 dpi (kept in PNG_DIR for a look) and check it is
    A4-sized and not blank."""
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    # Rendered and read in a private folder (two suites running at once write the same names in
    # PNG_DIR); then copied there for a look.
    with tempfile.TemporaryDirectory(prefix="hoso-png-") as private:
        source = Path(private) / "page.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-png", "-singlefile"]
            + [str(source), str(Path(private) / "page")],
            check=True,
            capture_output=True,
        )
        width, height, pixels = _png_grey(Path(private) / "page.png")
        path = PNG_DIR / f"{name}.png"
        shutil.copyfile(Path(private) / "page.png", path)
    (PNG_DIR / f"{name}.pdf").write_bytes(pdf)  # kept beside the PNG for a closer look
    expected = (585, 413) if landscape else (413, 585)  # A4 at 50 dpi
    assert abs(width - expected[0]) <= 2 and abs(height - expected[1]) <= 2, (width, height)
    ink = sum(1 for v in pixels if v < 128) / len(pixels)
    assert 0.005 < ink < 0.4, f"page 1 looks blank or broken (ink {ink:.3f})"
    return path


def ink_in_box(pdf: bytes, box, *, page: int = -1, dpi: int = 50) -> float:
    """The share of dark pixels inside ``box`` (a SignatureBox, points from the bottom-left) on
    ``page`` (-1 = last) of the rendered PDF."""
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    number = pages if page == -1 else page
    with tempfile.TemporaryDirectory() as tmp, tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = Path(tmp) / "p"
        subprocess.run(
            [
                "pdftoppm",
                "-f",
                str(number),
                "-l",
                str(number),
                "-r",
                str(dpi),
                "-png",
                "-singlefile",
                f.name,
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        width, height, pixels = _png_grey(Path(f"{out}.png"))
    scale = dpi / 72
    x1, x2 = int(box.x1 * scale), int(box.x2 * scale)
    top, bottom = int(height - box.y2 * scale), int(height - box.y1 * scale)
    dark = total = 0
    for y in range(max(top, 0), min(bottom, height)):
        row = pixels[y * width + x1 : y * width + x2]
        dark += sum(1 for v in row if v < 160)
        total += len(row)
    return dark / total if total else 1.0
