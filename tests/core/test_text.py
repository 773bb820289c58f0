"""Vietnamese text helpers: folding for search, dictionary order for sorting."""

import random
import unicodedata

import pytest

from hoiso.core.text import collation_key, fold, normalize, person_name_key, vn_sorted


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def in_order(words: list[str], key=collation_key) -> bool:
    keys = [key(w) for w in words]
    return all(a < b for a, b in zip(keys, keys[1:], strict=False))


class TestFold:
    def test_strips_diacritics_and_lowers(self):
        assert fold("Nguyễn Thị Ánh Tuyết") == "nguyen thi anh tuyet"

    @pytest.mark.parametrize("text", ["Đào", "đào", "ĐÀO", "Đao"])
    def test_d_with_stroke_becomes_d(self, text):
        # Unicode does not decompose đ/Đ, so they need their own rule.
        assert fold(text) == "dao"

    def test_nfd_input_folds_like_nfc(self):
        name = "Hội LHPN phường Ninh Kiều"
        assert nfd(name) != name
        assert fold(nfd(name)) == fold(name) == "hoi lhpn phuong ninh kieu"

    def test_collapses_spaces(self):
        assert fold("  Lê \t Thị\u00a0\n Mai  ") == "le thi mai"

    @pytest.mark.parametrize("empty", [None, "", "   "])
    def test_empty(self, empty):
        assert fold(empty) == ""

    def test_all_vowel_letters(self):
        assert fold("ăâêôơư ĂÂÊÔƠƯ") == "aaeoou aaeoou"


class TestNormalize:
    def test_nfd_becomes_nfc(self):
        assert normalize(nfd("Phạm Thị Cúc")) == "Phạm Thị Cúc"
        assert unicodedata.is_normalized("NFC", normalize(nfd("Đỗ Thị Hương")))

    def test_single_spaces(self):
        assert normalize("  Chi hội   Khu vực\t1 ") == "Chi hội Khu vực 1"


class TestCollationKey:
    def test_letters_of_the_alphabet(self):
        assert in_order(
            ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "i", "o", "ô", "ơ", "u", "ư", "y"]
        )

    def test_breve_and_circumflex_words(self):
        assert in_order(["an", "ăn", "ân", "ban"])

    def test_d_before_d_with_stroke(self):
        assert in_order(["dung", "đào"])  # every d… word before any đ… word
        assert in_order(["dzung", "đa"])

    def test_tones_in_dictionary_order(self):
        # ngang < huyền < hỏi < ngã < sắc < nặng
        assert in_order(["ma", "mà", "mả", "mã", "má", "mạ"])
        assert in_order(["a", "à", "ả", "ã", "á", "ạ"])

    def test_letters_weigh_more_than_tones(self):
        assert in_order(["mạ", "mai"])
        assert in_order(["má", "man"])

    def test_shorter_word_first(self):
        assert in_order(["An Bình", "Anh"])
        assert in_order(["An", "An Bình", "An Phú", "Anh"])

    def test_word_by_word_as_dictionaries(self):
        # A dictionary lists every compound of "mã" before the word "má".
        assert in_order(["ma", "ma vương", "mà", "mã", "mã lực", "má", "mạ"])

    def test_tone_position_does_not_matter(self):
        # Old and new spelling put the tone mark on a different vowel of the same word.
        assert collation_key("hoà") == collation_key("hòa")
        assert collation_key("Thuỷ") == collation_key("Thủy")

    def test_case_and_normal_form_do_not_matter(self):
        assert collation_key("Đào") == collation_key("đào") == collation_key(nfd("ĐÀO"))

    def test_digits_before_letters(self):
        assert in_order(["Tổ 1", "Tổ 2", "Tổ A"])

    def test_key_is_digits_only(self):
        assert collation_key("Hội LHPN phường Ninh Kiều").isdigit()

    def test_vn_sorted_communes(self):
        communes = ["Phường Ô Môn", "Phường Cái Khế", "Phường Bình Thủy", "Phường An Bình",
                    "Phường Cái Răng", "Phường Ninh Kiều", "Phường Ân Thạnh", "Phường Đông Hải",
                    "Phường Dương Kinh"]  # fmt: skip
        expected = ["Phường An Bình", "Phường Ân Thạnh", "Phường Bình Thủy", "Phường Cái Khế",
                    "Phường Cái Răng", "Phường Dương Kinh", "Phường Đông Hải", "Phường Ninh Kiều",
                    "Phường Ô Môn"]  # fmt: skip
        shuffled = communes[:]
        random.Random(7).shuffle(shuffled)
        assert vn_sorted(shuffled) == expected

    def test_vn_sorted_with_key(self):
        rows = [{"name": "Ơn"}, {"name": "Ổi"}, {"name": "Oanh"}]
        assert [r["name"] for r in vn_sorted(rows, key=lambda r: r["name"])] == ["Oanh", "Ổi", "Ơn"]


class TestPersonNameKey:
    def test_given_name_then_family_name(self):
        names = [
            "Trần Văn An",
            "Nguyễn Thị Đào",
            "Lê Thị Ánh",
            "Nguyễn Văn Anh",
            "Phạm Thị Bình",
            "Đỗ Thị Dung",
            "Võ Thị Ân",
            "Lê An",
            "Hoàng Thị Ánh",
            "Bùi Thị Yến",
            "Nguyễn Thị Ngọc Ánh",
        ]
        expected = [
            "Lê An",  # An: family names Lê < Trần
            "Trần Văn An",
            "Nguyễn Văn Anh",  # Anh before Ánh: the given name decides before the family name
            "Hoàng Thị Ánh",
            "Lê Thị Ánh",
            "Nguyễn Thị Ngọc Ánh",
            "Võ Thị Ân",  # â after a
            "Phạm Thị Bình",
            "Đỗ Thị Dung",  # d before đ
            "Nguyễn Thị Đào",
            "Bùi Thị Yến",
        ]
        shuffled = names[:]
        random.Random(3).shuffle(shuffled)
        assert sorted(shuffled, key=person_name_key) == expected

    def test_single_word_name(self):
        assert person_name_key("Lan") == collation_key("Lan")

    def test_spaces_and_nfd_do_not_matter(self):
        assert person_name_key(nfd("  Nguyễn   Thị  Lan ")) == person_name_key("Nguyễn Thị Lan")

    def test_empty(self):
        assert person_name_key(None) == person_name_key("") == collation_key("")
