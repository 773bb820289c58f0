"""Realistic Vietnamese (and Khmer Vietnamese) women's names and place names for the demo.

Everything draws from a random.Random passed in, so the demo is the same on every run.
Later builders (members, credit) use `woman_name` for their people too.
"""

from __future__ import annotations

import bisect
import itertools
import random

# Weighted roughly as in the Mekong Delta: Nguyễn far ahead, then Trần, Lê, Phạm, Huỳnh, Võ.
FAMILY_NAMES = [
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 6), ("Huỳnh", 6), ("Võ", 5),
    ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 2), ("Lý", 2),
    ("Phan", 3), ("Trương", 2), ("Châu", 1), ("Lâm", 1), ("Tô", 1), ("Đinh", 1), ("Mai", 1),
    ("Cao", 1), ("Tăng", 1), ("Quách", 1), ("La", 1), ("Thái", 1), ("Đoàn", 1), ("Lưu", 1),
]  # fmt: skip
KHMER_FAMILY_NAMES = [
    ("Thạch", 8), ("Sơn", 6), ("Lâm", 3), ("Kim", 3), ("Danh", 3), ("Lý", 2), ("Trịnh", 1),
    ("Châu", 1), ("Tăng", 1), ("Huỳnh", 1),
]  # fmt: skip
# "Thị" is by far the most common middle name of women of the officials' generation.
MIDDLE_NAMES = [
    ("Thị", 40), ("Ngọc", 8), ("Thanh", 6), ("Kim", 5), ("Thu", 4), ("Mỹ", 5), ("Bích", 3),
    ("Hồng", 3), ("Thúy", 3), ("Diễm", 2), ("Phương", 2), ("Cẩm", 2), ("Tuyết", 2),
    ("Kiều", 2), ("Minh", 2), ("Hoàng", 1), ("Huyền", 1), ("Quỳnh", 1), ("Trúc", 1),
]  # fmt: skip
# A second middle name after "Thị" (Nguyễn Thị Ngọc Hân).
SECOND_MIDDLE_NAMES = ["Ngọc", "Thanh", "Kim", "Thu", "Mỹ", "Bích", "Hồng", "Thúy", "Cẩm",
                       "Kiều", "Diễm", "Phương", "Tuyết", "Hoàng", "Minh"]  # fmt: skip
GIVEN_NAMES = [
    "Lan", "Hoa", "Mai", "Hương", "Thảo", "Nhung", "Đào", "Yến", "Trang", "Hạnh", "Diễm",
    "Kiều", "Linh", "Ngân", "Phượng", "Loan", "Hằng", "Thủy", "Tuyết", "Nga", "Hà", "Vân",
    "Thúy", "Xuân", "Hồng", "Nhi", "Quyên", "Duyên", "Hiền", "Liên", "Trinh", "Thắm", "Như",
    "Ánh", "My", "Oanh", "Châu", "Hân", "Tiên", "Thư", "Uyên", "Vy", "Ly", "Huyền", "Dung",
    "Bích", "Cúc", "Đầm", "Giang", "Hậu", "Huệ", "Khánh", "Lài", "Lệ", "Lụa", "Mến", "Muội",
    "Nguyệt", "Nhàn", "Nương", "Phấn", "Quế", "Sen", "Sương", "Tâm", "Thơ", "Thoa", "Trâm",
    "Tươi", "Út", "Xinh", "Yên", "Bé", "Em", "Ngọc", "Phúc", "Hải", "Kim", "Mận", "Lựu",
]  # fmt: skip
# Khmer given names as Vietnamese spells them on identity cards in Sóc Trăng.
KHMER_GIVEN_NAMES = [
    "Sa Rươne", "Sa Ren", "Sa Vân", "Sô Phia", "Sa Rin", "Chanh Đa", "Sóc Khe", "Sà Phonl",
    "Mồng", "Sa Quynh", "Sóc Thia", "Sa Mây", "Sà Rết", "Sây", "Xà Rênh", "Ni", "Sa Ri",
    "Pha Ly", "Chanh Thu", "Sóc Na", "Sa Mết", "Sa Rum", "Phương", "Sa Rương", "Thia",
]  # fmt: skip

# Hamlet names (ấp) of the Mekong Delta: Sino-Vietnamese pairs and the plain local ones.
HAMLET_NAMES = [
    "Phú Thạnh", "Phú Hữu", "Phú Lợi", "Phú Hòa", "Long Hòa", "Long Thạnh", "Long Trường",
    "Mỹ Thuận", "Mỹ Hòa", "Mỹ Lộc", "Mỹ Khánh", "Tân Phú", "Tân Thới", "Tân Long", "Tân Lợi",
    "Tân Hòa", "An Khương", "An Hòa", "An Thới", "An Phú", "An Lợi", "Thạnh Lợi", "Thạnh Hòa",
    "Thới Bình", "Thới Hòa", "Thới Thuận", "Hòa Thạnh", "Hòa Lợi", "Hòa Long", "Bình Hòa",
    "Bình Thành", "Bình Phú", "Nhơn Lộc", "Nhơn Thọ", "Nhơn Khánh", "Trường Thọ", "Trường Hưng",
    "Vĩnh Lộc", "Vĩnh Thuận", "Vĩnh Hòa", "Đông Thạnh", "Đông Bình", "Đông Lợi", "Hưng Lợi",
    "Khánh Bình", "Phước Lợi", "Phước Thới", "Thuận Hưng", "Thuận Lợi", "Xuân Hòa", "Lợi Đức",
    "Phụng Sơn", "Kinh Ngang", "Cái Sơn", "Rạch Sung", "Bà Hiên", "Cầu Đen", "Vàm Xáng",
    "Kinh Mới", "Láng Sen", "Xẻo Chồi", "Cái Chanh", "Cây Dương", "Bờ Xáng", "Cái Tắc",
    "Rạch Gòi", "Mương Điều", "Xẻo Xu", "Ba Láng", "Cái Cui", "Rạch Chiếc", "Cầu Nhiếm",
    "Đầu Sấu", "Giồng Riềng", "Mái Dầm", "Ngã Tư", "Xóm Chài", "Trà Ếch", "Kênh Tắt",
]  # fmt: skip
# Hamlets (often "sóc", villages of Khmer people) of the former Sóc Trăng province.
KHMER_HAMLET_NAMES = [
    "Prey Chóp", "Sóc Xoài", "Tà Điếp", "Bưng Tróp", "Pha Ol", "Trà Canh", "Tâm Vu",
    "Sóc Mới", "Trà Sết", "Bưng Sa", "Chông Nô", "Giồng Chùa", "Đay Sô", "Tà Mẹt", "Khu Ba",
    "Phnô Pôl", "Sà Lôn", "Ca Lạc", "Tắc Gồng", "Rạch Vọp", "Bưng Cốc", "Sóc Leo",
    "Tà Nu", "Kiết Lập", "Trà Quýt", "Đại Nghĩa", "Bố Liên", "Tiếp Nhựt", "Xung Thum",
]  # fmt: skip


_CUMULATIVE: dict[int, tuple[list[str], list[int]]] = {}


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    """A name drawn by weight (the cumulative weights kept per list: drawn millions of times)."""
    found = _CUMULATIVE.get(id(pairs))
    if found is None:
        names = [name for name, _w in pairs]
        found = _CUMULATIVE[id(pairs)] = (names, list(itertools.accumulate(w for _n, w in pairs)))
    names, cumulative = found
    return names[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def woman_name(rng: random.Random, *, khmer: bool = False) -> str:
    """A woman's full name, family name first: "Nguyễn Thị Ngọc Hân", "Thạch Thị Sa Rươne"."""
    if khmer:
        return f"{_weighted(rng, KHMER_FAMILY_NAMES)} Thị {rng.choice(KHMER_GIVEN_NAMES)}"
    family = _weighted(rng, FAMILY_NAMES)
    middle = _weighted(rng, MIDDLE_NAMES)
    if middle == "Thị" and rng.random() < 0.3:
        middle = f"Thị {rng.choice(SECOND_MIDDLE_NAMES)}"
    given = rng.choice(GIVEN_NAMES)
    while given in middle.split():
        given = rng.choice(GIVEN_NAMES)
    return f"{family} {middle} {given}"


def hamlet_names(rng: random.Random, count: int, *, khmer_share: float = 0.0) -> list[str]:
    """`count` different hamlet names for one commune; some carry A/B or a number, as
    hamlets split over the years do ("Phú Thạnh A", "Tân Long 2")."""
    chosen: list[str] = []
    while len(chosen) < count:
        pool = KHMER_HAMLET_NAMES if rng.random() < khmer_share else HAMLET_NAMES
        name = rng.choice(pool)
        roll = rng.random()
        if roll < 0.12:
            name += rng.choice([" A", " B"])
        elif roll < 0.18:
            name += f" {rng.randint(1, 3)}"
        if name not in chosen:
            chosen.append(name)
    return chosen


def phone_number(rng: random.Random) -> str:
    """A mobile number in the shape Vietnamese carriers use (10 digits, 03/05/07/08/09)."""
    prefix = rng.choice(["090", "091", "093", "094", "096", "097", "098", "032", "033",
                         "034", "035", "036", "037", "038", "039", "070", "076", "077",
                         "079", "081", "082", "083", "084", "085", "088", "056", "058"])  # fmt: skip
    return prefix + "".join(str(rng.randint(0, 9)) for _ in range(7))
