"""Vietnamese text helpers: folding for search and a collation key for sorting.

`fold` turns "Nguyễn Thị Đào" into "nguyen thi dao" so that a search typed with or
without diacritics finds the same records (đ/Đ included, which Unicode does not
decompose). `collation_key` gives a string of digits whose byte order is the order
of the Vietnamese alphabet (a ă â b c d đ e ê …), compared word by word as dictionaries
do (a word's letters first, then its tone), so that the database can sort by it under
any collation.
"""

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Vietnamese alphabet, with the Latin letters that appear in foreign names in place.
_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
# Digits sort before letters.
_PRIMARY: dict[str, str] = {}
_PRIMARY.update({str(d): f"{d + 2:02d}" for d in range(10)})
_PRIMARY.update({letter: f"{i + 20:02d}" for i, letter in enumerate(_ALPHABET)})
# Tones in dictionary order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot (nặng).
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
# Marks that make a new letter rather than a tone.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}


def normalize(text: str | None) -> str:
    """NFC with single spaces: names pasted from Word or typed on phones arrive in NFD too."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str | None) -> str:
    """Lower case without diacritics, đ→d, single spaces: the form we search on."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


def _letters_and_tone(word: str) -> tuple[list[str], str]:
    """A word's letters (ă, â, ê, ô, ơ, ư, đ being letters) and its tone."""
    letters: list[str] = []
    tone = "0"
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch):
            if ch in _TONES:
                tone = _TONES[ch]  # wherever the mark sits: "hoà" and "hòa" are one word
            elif letters and (letters[-1], ch) in _LETTER_MARKS:
                letters[-1] = _LETTER_MARKS[(letters[-1], ch)]
            continue
        letters.append(ch)
    return letters, tone


def _words(text: str) -> list[tuple[list[str], str]]:
    """Each word as its letters and its tone."""
    return [_letters_and_tone(word) for word in normalize(text).lower().split(" ")]


@functools.lru_cache(maxsize=50_000)
def _word_key(word: str) -> str:
    """One word's part of collation_key: a name list repeats its words ("Thị", "Nguyễn")
    thousands of times, each is worked out once."""
    # "00" ends a word's letters, so a shorter word sorts first ("An Bình" < "Anh");
    # the tone digit follows, breaking ties between words with the same letters only.
    letters, tone = _letters_and_tone(word)
    return "".join(_PRIMARY.get(letter, "99") for letter in letters) + "00" + tone


def collation_key(text: str | None) -> str:
    """A digits-only key whose plain string order is Vietnamese dictionary order.

    Words are compared one after the other, each by its letters and then by its tone,
    so "mã lực" sorts before "má" and "Anh Nguyễn" before "Ánh Lê"."""
    return "".join(_word_key(word) for word in normalize(text or "").lower().split(" "))


def person_name_key(full_name: str | None) -> str:
    """Sort key for a person's name the Vietnamese way: given name first, then family name."""
    words = normalize(full_name).split(" ")
    if len(words) > 1:
        words = [words[-1], *words[:-1]]
    return collation_key(" ".join(words))


def vn_sorted(items, key=lambda item: item):
    """Sort Python objects in Vietnamese order by the text `key` returns."""
    return sorted(items, key=lambda item: collation_key(key(item)))


def person_name_fields(full_name: str | None) -> tuple[str, str, str]:
    """A person's name as stored: (NFC with single spaces, folded for search, sort key)."""
    name = normalize(full_name)
    return name, fold(name), person_name_key(name)
