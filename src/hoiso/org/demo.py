"""The demo organisation: Thành phố Cần Thơ after the provincial merge of 1 July 2025.

It builds the three provincial unions as they stood before the merge — Cần Thơ, Sóc
Trăng and Hậu Giang — with today's 103 communes of Cần Thơ shared out among them by
ward code (vietnam-provinces numbers wards by former province: below 31318 Cần Thơ's,
31318–31506 Hậu Giang's, 31507 and up Sóc Trăng's), 7–9 branches per commune and 2–4
groups per branch, officials at every level and the female population of each commune.
Then it merges Sóc Trăng and Hậu Giang into Cần Thơ through the real service
(org.services.units_merge), so the lineage, the ended terms and the moved paths are
what a real merge leaves.

A simplification: today's communes themselves date from the commune reform of the same
day; the demo shows them as if they had existed under their former province since 2020.

Adds to ctx.refs: province, former_provinces, communes, home_commune, sibling_commune,
home_branch, home_group, merge (see hoiso.demo.management.commands.demo).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.management.base import CommandError

from hoiso.demo.bulk import UnitTree, insert_officials, insert_unit_owned
from hoiso.demo.context import DEMO_PROVINCE_CODE, DemoContext
from hoiso.demo.names import hamlet_names, phone_number, woman_name
from hoiso.org.models import AdministrativeArea, Official, Population, Position, Unit
from hoiso.org.services import units_merge

PROVINCE_AREA_CODE = "92"
MERGED_ON = datetime.date(2025, 7, 1)
MERGE_DECISION = "Nghị quyết 202/2025/QH15"
UNITS_SINCE = datetime.date(2020, 1, 1)
TERM = (2025, 2030)
FORMER_TERM = (2021, 2026)
# The communes of xa_officer and xa_officer_other: Kế Sách and An Lạc Thôn, both from Sóc Trăng.
HOME_WARD, SIBLING_WARD = "31528", "31531"


@dataclass(frozen=True)
class FormerUnion:
    """A provincial union as it stood before 1 July 2025 and the wards that were its own."""

    key: str
    code: str
    name: str
    active_from: datetime.date
    first_ward: str
    last_ward: str
    khmer_share: float  # share of Khmer names among its officials
    quarter: str  # what its wards call their neighbourhoods: khu vực (Cần Thơ), khóm


PROVINCES = [
    FormerUnion("can_tho", DEMO_PROVINCE_CODE, "Hội LHPN thành phố Cần Thơ",
                datetime.date(2004, 1, 1), "00000", "31317", 0.01, "khu vực"),
    FormerUnion("hau_giang", "HPN-93", "Hội LHPN tỉnh Hậu Giang",
                datetime.date(2004, 1, 1), "31318", "31506", 0.03, "khu vực"),
    FormerUnion("soc_trang", "HPN-94", "Hội LHPN tỉnh Sóc Trăng",
                datetime.date(1992, 4, 1), "31507", "99999", 0.3, "khóm"),
]  # fmt: skip

AFFILIATED = [
    ("can_tho", "HPN-92-CS01", "Hội LHPN Bệnh viện Đa khoa Trung ương Cần Thơ",
     ["Chi hội Khối Nội", "Chi hội Khối Ngoại", "Chi hội Khối Cận lâm sàng"]),
    ("can_tho", "HPN-92-CS02", "Hội LHPN Trường Đại học Cần Thơ",
     ["Chi hội Khoa Nông nghiệp", "Chi hội Khoa Sư phạm", "Chi hội Khối Văn phòng"]),
    ("soc_trang", "HPN-94-CS01", "Hội LHPN Công ty Cổ phần Thủy sản Sóc Trăng",
     ["Chi hội Phân xưởng Chế biến 1", "Chi hội Phân xưởng Chế biến 2"]),
]  # fmt: skip


def build(ctx: DemoContext) -> None:
    area = AdministrativeArea.objects.filter(code=PROVINCE_AREA_CODE).first()
    if area is None:
        raise CommandError("Administrative areas are missing: run `manage.py load_areas` first.")
    wards = list(area.communes.order_by("code"))
    tree = UnitTree()
    unions = _provinces(tree, area)
    communes = _communes(ctx, tree, unions, wards)
    affiliated = _affiliated(tree, unions)
    units = tree.save()
    officials = insert_officials(_officials(ctx, units, unions))
    population = insert_unit_owned(Population, _population(ctx, communes))
    _log_counts(ctx, units, communes, officials, population)
    merge = units_merge(actor=None, sources=[unions["soc_trang"], unions["hau_giang"]],
                        target=unions["can_tho"], effective_on=MERGED_ON, decision=MERGE_DECISION,
                        note="Sắp xếp đơn vị hành chính cấp tỉnh năm 2025: tỉnh Sóc Trăng và "
                             "tỉnh Hậu Giang nhập vào thành phố Cần Thơ.",
                        allow_cross_province=True, check_scope=False)  # fmt: skip
    ctx.log(f"merge: {merge.summary} ({len(merge.operations)} operations)")
    _remember(ctx, merge, affiliated)


# ---------------------------------------------------------------- units


def _provinces(tree: UnitTree, area: AdministrativeArea) -> dict[str, Unit]:
    unions = {}
    for p in PROVINCES:
        unions[p.key] = tree.add(None, name=p.name, kind=Unit.Kind.PROVINCE, code=p.code,
                                 area=area if p.code == DEMO_PROVINCE_CODE else None,
                                 active_from=p.active_from)  # fmt: skip
        unions[p.key].origin = p
    return unions


def former_union_of(ward_code: str) -> FormerUnion:
    """The provincial union a ward of today's Cần Thơ belonged to before the merge."""
    return next(p for p in PROVINCES if p.first_ward <= ward_code <= p.last_ward)


def commune_union_name(area: AdministrativeArea) -> str:
    """The union of a commune: "Phường Ninh Kiều" → "Hội LHPN phường Ninh Kiều"."""
    name = " ".join(area.name.split())
    division = area.division_type.strip()
    if name.lower().startswith(division.lower() + " "):
        name = division.lower() + name[len(division) :]
    return f"Hội LHPN {name}"


def _communes(ctx, tree: UnitTree, unions: dict[str, Unit], wards) -> list[Unit]:
    communes = []
    for ward in wards:
        origin = former_union_of(ward.code)
        commune = tree.add(unions[origin.key], name=commune_union_name(ward), kind=Unit.Kind.COMMUNE,
                           code=f"HPN-{ward.code}", area=ward, active_from=UNITS_SINCE)  # fmt: skip
        commune.origin = origin
        communes.append(commune)
        for i, branch_name in enumerate(_branch_names(ctx.rng, ward, origin), start=1):
            branch = tree.add(commune, name=branch_name, kind=Unit.Kind.BRANCH,
                              code=f"{commune.code}-{i:02d}", active_from=UNITS_SINCE)  # fmt: skip
            branch.origin = origin
            for j in range(1, ctx.rng.randint(2, 4) + 1):
                group = tree.add(branch, name=f"Tổ {j}", kind=Unit.Kind.GROUP,
                                 code=f"{branch.code}-{j}", active_from=UNITS_SINCE)  # fmt: skip
                group.origin = origin
    return communes


def _branch_names(rng, ward: AdministrativeArea, origin: FormerUnion) -> list[str]:
    """Wards are divided into khu vực (khóm in Sóc Trăng), communes into hamlets (ấp)."""
    count = rng.randint(7, 9)
    if ward.division_type.strip().lower() == "phường":
        return [f"Chi hội {origin.quarter} {i}" for i in range(1, count + 1)]
    if origin.key == "hau_giang" and rng.random() < 0.4:
        return [f"Chi hội ấp {i}" for i in range(1, count + 1)]
    khmer = 0.5 if origin.key == "soc_trang" else 0.0
    return [f"Chi hội ấp {name}" for name in hamlet_names(rng, count, khmer_share=khmer)]


def _affiliated(tree: UnitTree, unions: dict[str, Unit]) -> list[Unit]:
    found = []
    for key, code, name, branches in AFFILIATED:
        union = tree.add(unions[key], name=name, kind=Unit.Kind.AFFILIATED, code=code,
                         active_from=UNITS_SINCE)  # fmt: skip
        union.origin = next(p for p in PROVINCES if p.key == key)
        for i, branch_name in enumerate(branches, start=1):
            branch = tree.add(union, name=branch_name, kind=Unit.Kind.BRANCH,
                              code=f"{code}-{i:02d}", active_from=UNITS_SINCE)  # fmt: skip
            branch.origin = union.origin
        found.append(union)
    return found


# ---------------------------------------------------------------- officials and population


def _official(ctx, unit: Unit, position: Position, *, term=TERM, started=MERGED_ON,
              name: str | None = None, phone: bool = False) -> Official:  # fmt: skip
    khmer = ctx.rng.random() < unit.origin.khmer_share
    return Official(unit=unit, position=position, full_name=name or woman_name(ctx.rng, khmer=khmer),
                    term_start=term[0], term_end=term[1], started_on=started,
                    phone=phone_number(ctx.rng) if phone else "")  # fmt: skip


def _officials(ctx, units: list[Unit], unions: dict[str, Unit]) -> list[Official]:
    pos = {p.code: p for p in Position.objects.all()}
    rows: list[Official] = []
    chairs = {}
    for key in ("soc_trang", "hau_giang"):  # standing committees until the merge ends them
        union = unions[key]
        started = datetime.date(2021, 10, 1)
        chair = _official(ctx, union, pos["chu-tich"], term=FORMER_TERM, started=started,
                          phone=True)  # fmt: skip
        chairs[key] = chair.full_name
        rows.append(chair)
        rows += [_official(ctx, union, pos[code], term=FORMER_TERM, started=started, phone=True)
                 for code in ("pho-chu-tich", "pho-chu-tich", "uy-vien-btv", "uy-vien-btv")]  # fmt: skip
    can_tho = unions["can_tho"]
    rows.append(_official(ctx, can_tho, pos["chu-tich"], phone=True))
    # After the merge the former chairs of Sóc Trăng and Hậu Giang became vice-chairs.
    rows += [_official(ctx, can_tho, pos["pho-chu-tich"], name=chairs[k], phone=True)
             for k in ("soc_trang", "hau_giang")]  # fmt: skip
    rows += [_official(ctx, can_tho, pos["uy-vien-btv"], phone=True) for _ in range(4)]
    rows += [_official(ctx, can_tho, pos["can-bo-chuyen-trach"], phone=True) for _ in range(3)]
    for unit in units:
        if unit.kind in (Unit.Kind.COMMUNE, Unit.Kind.AFFILIATED):
            rows.append(_official(ctx, unit, pos["chu-tich"], phone=True))
            rows.append(_official(ctx, unit, pos["pho-chu-tich"], phone=True))
        elif unit.kind == Unit.Kind.BRANCH:
            rows.append(_official(ctx, unit, pos["chi-hoi-truong"], phone=True))
        elif unit.kind == Unit.Kind.GROUP:
            rows.append(_official(ctx, unit, pos["to-truong"]))
    return rows


def _population(ctx, communes: list[Unit]) -> list[Population]:
    rows = []
    for commune in communes:
        women = ctx.rng.randint(3_000, 15_000)
        for year in (2024, 2025):
            rows.append(Population(unit=commune, area=commune.area, year=year, women_18_plus=women,
                                   source=Population.Source.IMPORTED))  # fmt: skip
            women = round(women * ctx.rng.uniform(0.99, 1.02))
    return rows


# ---------------------------------------------------------------- report and hand-over


def _log_counts(ctx, units, communes, officials, population) -> None:
    kinds: dict[str, int] = {}
    for unit in units:
        kinds[unit.kind] = kinds.get(unit.kind, 0) + 1
    by_origin: dict[str, int] = {}
    for commune in communes:
        by_origin[commune.origin.name] = by_origin.get(commune.origin.name, 0) + 1
    shares = ", ".join(f"{n} from {name}" for name, n in by_origin.items())
    ctx.log(f"units: {len(units)} ({', '.join(f'{n} {k}' for k, n in kinds.items())}); "
            f"communes: {shares}")  # fmt: skip
    ctx.log(f"officials: {len(officials)}; population rows: {len(population)}")
    if kinds.get(Unit.Kind.BRANCH, 0) < 775:
        raise CommandError("The demo needs at least 775 branches; the seed gave fewer.")


def _remember(ctx, merge, affiliated) -> None:
    """Fetch afresh what later builders need: the merge rewrote the paths in the database."""
    province = Unit.objects.get(code=DEMO_PROVINCE_CODE)
    communes = list(Unit.objects.filter(kind=Unit.Kind.COMMUNE, path__startswith=province.path)
                    .active().order_by("code"))  # fmt: skip
    by_code = {c.code: c for c in communes}
    from_soc_trang = [c for c in communes if c.code >= "HPN-31507"]
    home = by_code.get(f"HPN-{HOME_WARD}", from_soc_trang[0])
    sibling = by_code.get(f"HPN-{SIBLING_WARD}", next(c for c in from_soc_trang if c != home))
    home_branch = Unit.objects.filter(parent=home).order_by("code").first()
    ctx.refs.update(
        province=province,
        former_provinces={p.key: Unit.objects.get(code=p.code) for p in PROVINCES[1:]},
        communes=communes,
        affiliated=list(Unit.objects.filter(pk__in=[a.pk for a in affiliated]).order_by("code")),
        home_commune=home,
        sibling_commune=sibling,
        home_branch=home_branch,
        home_group=Unit.objects.filter(parent=home_branch).order_by("code").first(),
        merge=merge,
    )
