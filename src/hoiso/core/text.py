"""Vietnamese text helpers: folding for search and a collation key for sorting.

`fold` turns "Nguyễn Thị Đào" into "nguyen thi dao" so that a search typed with or
without diacritics finds the same records (đ/Đ included, which Unicode does not
decompose). `collation_key` gives a string of digits whose byte order is the order
of the Vietnamese alphabet (a ă â b c d đ e ê …), letters first and tones second,
so that the database can sort by it under any collation.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Vietnamese alphabet, with the Latin letters that appear in foreign names in place.
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
# Digits sort before letters; a space before any letter, so "An Bình" < "Anh".
_PRIMARY = {" ": "01"}
_PRIMARY.update({str(d): f"{d + 2:02d}" for d in range(10)})
_PRIMARY.update({letter: f"{i + 20:02d}" for i, letter in enumerate(_ALPHABET)})
# Tones in dictionary order: level, grave (huyền), hook (hỏi), tilde (ngã), acute (sắc), dot (nặng).
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
# Marks that make a new letter rather than a tone.
_LETTER_MARKS = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
                 ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}  # fmt: skip


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


def _letters_and_tones(text: str) -> tuple[list[str], list[str]]:
    letters: list[str] = []
    tones: list[str] = []
    for ch in unicodedata.normalize("NFD", normalize(text).lower()):
        if unicodedata.combining(ch):
            if ch in _TONES and tones:
                tones[-1] = _TONES[ch]
            elif letters and (letters[-1], ch) in _LETTER_MARKS:
                letters[-1] = _LETTER_MARKS[(letters[-1], ch)]
            continue
        letters.append(ch)
        tones.append("0")
    return letters, tones


def collation_key(text: str | None) -> str:
    """A digits-only key whose plain string order is Vietnamese dictionary order."""
    letters, tones = _letters_and_tones(text or "")
    primary = "".join(_PRIMARY.get(letter, "99") for letter in letters)
    # "00" ends the letters, so a shorter word sorts first; tones break ties only.
    return primary + "00" + "".join(tones)


def person_name_key(full_name: str | None) -> str:
    """Sort key for a person's name the Vietnamese way: given name first, then family name."""
    words = normalize(full_name).split(" ")
    if len(words) > 1:
        words = [words[-1], *words[:-1]]
    return collation_key(" ".join(words))


def vn_sorted(items, key=lambda item: item):
    """Sort Python objects in Vietnamese order by the text `key` returns."""
    return sorted(items, key=lambda item: collation_key(key(item)))
