import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from hoso.core.text import (
    fold,
    name_sort_key,
    name_sort_string,
    nfc,
    shorten,
    sort_key,
    split_full_name,
)


def _sorted(names):
    return sorted(names, key=sort_key)


def test_vietnamese_alphabet_and_tone_order():
    assert _sorted(["Đạt", "Duy", "Dũng", "Dung"]) == ["Dung", "Dũng", "Duy", "Đạt"]
    assert _sorted(["Ân", "Anh", "An"]) == ["An", "Anh", "Ân"]
    assert _sorted(["Bính", "Bỉnh", "Bình"]) == ["Bình", "Bỉnh", "Bính"]
    assert _sorted(["Ơn", "Ôn", "On"]) == ["On", "Ôn", "Ơn"]
    assert _sorted(["Ưu", "Uyên", "Út"]) == ["Út", "Uyên", "Ưu"]
    # tones: none < huyền < hỏi < ngã < sắc < nặng
    assert _sorted(["Ạ", "Á", "Ã", "Ả", "À", "A"]) == ["A", "À", "Ả", "Ã", "Á", "Ạ"]


def test_class_list_order_is_given_then_middle_then_family():
    people = [
        ("Đỗ", "Văn", "Dũng"),
        ("Nguyễn", "Văn", "An"),
        ("Trần", "Thị", "Ánh"),
        ("Phạm", "Thị", "Ân"),
        ("Hoàng", "Đức", "Anh"),
        ("Lê", "Văn", "Bình"),
        ("Lê", "Thị", "An"),
    ]
    ordered = sorted(people, key=lambda p: name_sort_key(*p))
    assert [" ".join(p) for p in ordered] == [
        "Lê Thị An",
        "Nguyễn Văn An",
        "Hoàng Đức Anh",
        "Trần Thị Ánh",
        "Phạm Thị Ân",
        "Lê Văn Bình",
        "Đỗ Văn Dũng",
    ]


def test_nfc_and_nfd_input_are_identical():
    composed = "Nguyễn Văn Ân"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert nfc(decomposed) == composed
    assert fold(decomposed) == fold(composed) == "nguyen van an"
    assert sort_key(decomposed) == sort_key(composed)
    assert name_sort_string("Nguyễn", "Văn", unicodedata.normalize("NFD", "Ân")) == (
        name_sort_string("Nguyễn", "Văn", "Ân")
    )


def test_search_fold():
    assert fold("Đỗ Văn Dũng") == "do van dung"
    assert fold("  PHẠM   THỊ  ÁN ") == "pham thi an"
    assert fold("Thuỷ") == fold("Thủy") == "thuy"


def test_split_full_name():
    assert split_full_name("Nguyễn Thị Minh Anh") == ("Nguyễn", "Thị Minh", "Anh")
    assert split_full_name("Lê An") == ("Lê", "", "An")
    assert split_full_name("  ") == ("", "", "")


VN_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
words = st.text(alphabet=VN_LETTERS, min_size=1, max_size=7).map(str.capitalize)
names = st.tuples(words, st.lists(words, max_size=2).map(" ".join), words)


@given(st.lists(names, min_size=2, max_size=30))
def test_database_sort_string_orders_like_the_key(people):
    by_key = sorted(people, key=lambda p: (name_sort_key(*p), p))
    by_string = sorted(people, key=lambda p: (name_sort_string(*p), p))
    assert [name_sort_key(*p) for p in by_key] == [name_sort_key(*p) for p in by_string]


def test_shorten_never_cuts_a_word():
    label = "thay Lê Văn Toàn (Tổ trưởng Tổ Toán – Tin)"
    assert shorten(label, 200) == label
    assert shorten(label, 30) == "thay Lê Văn Toàn (Tổ trưởng…"
    assert shorten(label, 20) == "thay Lê Văn Toàn…"
    assert all(len(shorten(label, n)) <= n for n in range(2, 50))
    assert shorten("Khoảngtrắng", 5) == "Khoả…"
