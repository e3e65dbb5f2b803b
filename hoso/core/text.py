"""Vietnamese text: NFC normalisation, search folding and alphabetical sort keys.

Sorting follows the Vietnamese alphabet ``a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y``
(f, j, w, z kept in Latin order for foreign names), then tones (none, huyền, hỏi, ngã, sắc, nặng),
then case. Class lists sort by (given name, middle name, family name). The key matched ICU's
``vi_VN`` collator on 20,000 generated names in the stack trial (notes/STACK-TRIAL.md §5).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")

#: Control characters that are never data in a school record: C0 but tab, line feed and carriage
#: return; DEL and the C1 controls. Refused (never stripped) by the input guard and the importer.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: Invisible characters that change how a name reads without being seen: the bidirectional
#: embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069), the zero-width space,
#: joiners and word joiner (U+200B–U+200D, U+2060) and the byte-order mark (U+FEFF). A name with
#: one would look like another person's name while differing from it. Refused, never stripped.
INVISIBLE_CHARACTER = re.compile("[\u200b-\u200d\u2060\u202a-\u202e\u2066-\u2069\ufeff]")


def invisible_character_problem(value: object, *, label: str) -> str | None:
    """A Vietnamese sentence naming ``label`` and the first invisible character of ``value``
    (``INVISIBLE_CHARACTER``), or None."""
    found = INVISIBLE_CHARACTER.search(str(value or ""))
    if found is None:
        return None
    char = found.group()
    kind = (
        "ký tự đổi chiều chữ"
        if "\u202a" <= char <= "\u2069" and char != "\u2060"
        else ("ký tự không có bề rộng")
    )
    return (
        f"{label} chứa ký tự vô hình U+{ord(char):04X} ({kind}): chữ hiện ra khác chữ được "
        "lưu. Hãy xóa và gõ lại."
    )


# Base letters after stripping tone marks but keeping the letter-forming marks (breve, circumflex,
# horn, stroke). Order = position in the Vietnamese alphabet.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}

# Combining marks: letter-forming (kept as part of the letter) and tones (secondary key).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # ` ? ~ ' .
_LETTER_MARKS = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}


def nfc(value: str | None) -> str:
    """NFC-normalise, trim and collapse inner whitespace. ``None`` becomes ``""``."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


_WORD = re.compile(r"\w+")
_ROMAN = re.compile(r"(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3})")


def in_sentence(label: str) -> str:
    """A label inside a sentence: lower case, its Roman numerals kept ("Học kỳ II" → "học kỳ II",
    "Giữa học kỳ I" → "giữa học kỳ I"; "Vi phạm" → "vi phạm"). ``str.lower()`` would print
    "học kỳ ii"."""
    return _WORD.sub(
        lambda m: m.group(0) if _ROMAN.fullmatch(m.group(0)) else m.group(0).lower(), label or ""
    )


def shorten(text: str | None, limit: int) -> str:
    """At most ``limit`` characters, never cutting a word: the last whole words and "…"
    ("thay Lê Văn An (Tổ trưởng Toán – Tin)" at 30 → "thay Lê Văn An (Tổ trưởng…"); a first
    word longer than the limit is the only thing cut."""
    text = text or ""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if not text[limit - 1].isspace():  # the cut falls inside a word: drop that word
        space = head.rfind(" ")
        if space > 0:
            head = head[:space]
    return head.rstrip(" ,;:–-(") + "…"


def fold(value: str | None) -> str:
    """Search key: no marks, đ→d, casefolded, single spaces. 'Đỗ Văn Dũng' → 'do van dung'."""
    text = unicodedata.normalize("NFD", nfc(value)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.casefold()).strip()


def _word_key(word: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    letters: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.category(ch) == "Mn":
            if ch in _TONE_RANK and tones:
                tones[-1] = _TONE_RANK[ch]
            elif letters:
                prev = _ALPHABET[letters[-1]] if letters[-1] < len(_ALPHABET) else ""
                merged = _LETTER_MARKS.get((prev, ch))
                if merged:
                    letters[-1] = _LETTER_RANK[merged]
            continue
        lower = ch.lower()
        cases.append(0 if ch == lower else 1)
        tones.append(0)
        letters.append(_LETTER_RANK.get(lower, len(_ALPHABET) + ord(lower)))
    return tuple(letters), tuple(tones), tuple(cases)


def sort_key(text: str) -> tuple:
    """Collation key for one string: letters first, then tones, then case (three levels)."""
    words = [_word_key(w) for w in nfc(text).split(" ") if w]
    return (
        tuple(w[0] for w in words),
        tuple(w[1] for w in words),
        tuple(w[2] for w in words),
    )


def name_sort_key(family: str, middle: str, given: str) -> tuple:
    """Vietnamese class-list order: the given name decides (letters, then tones, then case),
    then the middle name, then the family name. All "Dung" come before all "Dũng"."""
    return (sort_key(given), sort_key(middle), sort_key(family))


def name_sort_string(family: str, middle: str, given: str) -> str:
    """A string whose byte order equals name_sort_key's order, for ORDER BY in any database.

    Each value is 4 hex digits (offset by 2); a word ends with 0001, a level with 0000, a name
    with 0000 0000 — so a shorter name sorts before its extensions ("An" < "Anh").
    """
    out: list[str] = []
    for name in (given, middle, family):
        for level in sort_key(name):
            for word in level:
                out.extend(f"{min(v + 2, 0xFFFF):04x}" for v in word)
                out.append("0001")
            out.append("0000")
        out.append("0000")
    return "".join(out)


def full_name(family: str, middle: str, given: str) -> str:
    return " ".join(p for p in (nfc(family), nfc(middle), nfc(given)) if p)


def split_full_name(name: str) -> tuple[str, str, str]:
    """'Nguyễn Thị Minh Anh' → ('Nguyễn', 'Thị Minh', 'Anh')."""
    words = nfc(name).split(" ")
    if not words or words == [""]:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]
