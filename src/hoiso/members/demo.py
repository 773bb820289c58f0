"""Demo members. The communes and affiliated unions that came from the former Sóc Trăng
province reproduce the seed figures: 259,940 members, 59.41% of the women aged 18 and over,
every one with a phone, over 95% with a smartphone, about 70% on social networks; the
Cần Thơ and Hậu Giang parts get a smaller sample (6–14 members per group). `manage.py demo
--sample` gives every group the small sample (tests, quick looks).

Members are generated as plain rows and copied in (hoiso.core.bulk.copy_rows: COPY on
PostgreSQL), with the stored values Member.save() and member_admit would write — folded
name, sort key, unit path, national code — plus one history row, the admission event and the
membership consent each. About 1% more are former members who left in the last two years,
so that the dashboard's "left" figures have something to show. The summary table is rebuilt
at the end.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections import Counter, defaultdict

from django.utils import timezone

from hoiso.core.bulk import analyze, copy_rows, reset_sequence
from hoiso.core.text import person_name_fields
from hoiso.demo import names
from hoiso.members import names as name_words
from hoiso.members import tally
from hoiso.members.models import Consent, Member, MemberEvent
from hoiso.members.services import member_code
from hoiso.org.models import Population, Unit

SEED_MEMBERS = 259_940
SEED_PARTICIPATION = 0.5941
SAMPLE_PER_GROUP = (6, 14)
LEFT_SHARE = 0.01
CHUNK = 20_000
KHMER_CODE, KINH_CODE, HOA_CODE = "05", "01", "06"
# CCCD province-of-birth codes of the three former provinces.
CCCD_PROVINCE = {"soc_trang": "094", "hau_giang": "093", "can_tho": "092"}
PHONE_PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035",
                  "036", "037", "038", "039", "070", "076", "077", "079", "081", "082", "083",
                  "084", "085", "088", "056", "058"]  # fmt: skip
OCCUPATIONS = ["Nông dân", "Buôn bán", "Công nhân", "Nội trợ", "Cán bộ, công chức", "Giáo viên"]


class _Weighted:
    """A weighted choice that is cheap to draw a million times (random.choices is not)."""

    def __init__(self, pairs: list[tuple[object, float]]) -> None:
        self.values = [v for v, _w in pairs]
        self.cumulative = list(itertools.accumulate(w for _v, w in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng) -> object:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.total)]


AGE_BAND = _Weighted([((18, 30), 18), ((31, 50), 42), ((51, 70), 30), ((71, 90), 10)])
NON_KHMER = _Weighted([(KINH_CODE, 93), (HOA_CODE, 7)])
KHMER_RELIGION = _Weighted([("buddhism", 90), ("", 6), ("catholic", 2), ("caodai", 1),
                            ("hoahao", 1)])  # fmt: skip
RELIGION = _Weighted([("", 55), ("buddhism", 30), ("catholic", 6), ("caodai", 4),
                      ("hoahao", 4), ("protestant", 1)])  # fmt: skip
EDUCATION = _Weighted([("primary", 1), ("lower_secondary", 1), ("upper_secondary", 2)])
QUALIFICATION = _Weighted([("", 70), ("vocational", 12), ("college", 8), ("university", 10)])
HOUSEHOLD = _Weighted([("", 90), ("poor", 4), ("near_poor", 6)])
VNEID = _Weighted([(0, 12), (1, 18), (2, 70)])

MEMBER_COLUMNS = [f.attname for f in Member._meta.concrete_fields]
HISTORY_COLUMNS = [f.attname for f in Member.history.model._meta.concrete_fields
                   if f.attname != "history_id"]  # fmt: skip


def build(ctx) -> None:
    province = ctx.refs["province"]
    soc_trang = ctx.refs["former_provinces"]["soc_trang"]
    merge = ctx.refs["merge"]
    from_soc_trang = {
        op["unit"] for op in merge.operations if op["op"] == "move" and op["from"] == soc_trang.pk
    }
    groups = (
        Unit.objects.subtree(province)
        .active()
        .filter(kind=Unit.Kind.GROUP)
        .select_related("parent")
        .order_by("path")
    )
    by_top: dict[int, list[Unit]] = defaultdict(list)  # commune or affiliated union → groups
    for group in groups:
        by_top[int(group.path.split(".")[1])].append(group)
    tops = Unit.objects.in_bulk(list(by_top))
    writer = MemberRows(rng=ctx.rng, today=ctx.today)
    seed_tops = [] if ctx.sample else sorted(pk for pk in by_top if pk in from_soc_trang)
    quotas = _seed_quotas(ctx, [tops[pk] for pk in seed_tops]) if seed_tops else {}
    for pk, top_groups in sorted(by_top.items()):
        origin = "soc_trang" if pk in from_soc_trang else "other"
        khmer_share = 0.35 if origin == "soc_trang" else 0.04
        if pk in quotas:
            counts = _spread(ctx.rng, quotas[pk], len(top_groups))
        else:
            counts = [ctx.rng.randint(*SAMPLE_PER_GROUP) for _g in top_groups]
        for group, count in zip(top_groups, counts, strict=True):
            writer.add_group(group, tops[pk], count, khmer_share, origin)
    writer.flush()
    reset_sequence(Member)
    analyze(Member, Member.history.model, MemberEvent, Consent)
    tally.replace_all(writer.tally)
    ctx.refs["members"] = writer.current
    ctx.log(f"members: {writer.current:,} current and {writer.former:,} former in "
            f"{sum(len(g) for g in by_top.values()):,} groups")  # fmt: skip
    if quotas:
        _log_seed_figures(ctx, seed_tops)


def _seed_quotas(ctx, tops: list[Unit]) -> dict[int, int]:
    """Members per unit from Sóc Trăng, adding up to the seed's 259,940, and the women 18+
    of its communes rescaled so that they make the seed's 59.41%. Each commune's own rate
    varies around it; affiliated unions (no population of their own) get a few hundred."""
    figures = list(Population.objects.filter(unit__in=tops).order_by("unit_id", "year"))
    year = max(p.year for p in figures)
    latest = {p.unit_id: p for p in figures if p.year == year}
    target_women = round(SEED_MEMBERS / SEED_PARTICIPATION)
    old_total = sum(p.women_18_plus for p in latest.values())
    scaled = _shares(target_women, {pk: p.women_18_plus for pk, p in latest.items()})
    for figure in figures:
        factor = scaled[figure.unit_id] / latest[figure.unit_id].women_18_plus
        figure.women_18_plus = round(figure.women_18_plus * factor)
    for figure in figures:  # the latest year exactly as scaled
        if figure.year == year:
            figure.women_18_plus = scaled[figure.unit_id]
        Population.objects.filter(pk=figure.pk).update(women_18_plus=figure.women_18_plus)
        Population.history.filter(id=figure.pk).update(women_18_plus=figure.women_18_plus)
    ctx.log(f"population: women 18+ of the Sóc Trăng communes {old_total:,} → {target_women:,}")
    weights = {}
    for unit in tops:
        if unit.pk in scaled:
            weights[unit.pk] = scaled[unit.pk] * ctx.rng.uniform(0.85, 1.15)
        else:
            weights[unit.pk] = ctx.rng.uniform(200, 600) / SEED_PARTICIPATION
    return _shares(SEED_MEMBERS, weights)


def _shares(total: int, weights: dict[int, float]) -> dict[int, int]:
    """`total` split in proportion to `weights`, whole numbers adding up exactly (largest
    remainders)."""
    whole = sum(weights.values())
    exact = {k: total * w / whole for k, w in weights.items()}
    shares = {k: int(v) for k, v in exact.items()}
    rest = total - sum(shares.values())
    for k in sorted(exact, key=lambda k: exact[k] - shares[k], reverse=True)[:rest]:
        shares[k] += 1
    return shares


def _spread(rng, total: int, parts: int) -> list[int]:
    """`total` members over `parts` groups of uneven size."""
    return list(_shares(total, {i: rng.uniform(0.6, 1.4) for i in range(parts)}).values())


def _log_seed_figures(ctx, tops: list[int]) -> None:
    """The seed figures, counted back from the database."""
    from hoiso.core.scoping import path_q

    units = Unit.objects.filter(pk__in=tops)
    paths = [u.path for u in units]
    current = Member.objects.filter(path_q("unit_path", paths)).exclude(status__in=tally.CLOSED)
    n = current.count()
    figures = Population.objects.filter(unit__in=units)
    year = max(figures.values_list("year", flat=True))
    women = sum(figures.filter(year=year).values_list("women_18_plus", flat=True))
    phone = current.filter(has_phone=True).count()
    smart = current.filter(has_smartphone=True).count()
    social = (
        current.filter(uses_zalo=True).count()
        + current.filter(uses_zalo=False, uses_facebook=True).count()
        + current.filter(uses_zalo=False, uses_facebook=False, uses_tiktok=True).count()
    )
    ctx.log(
        f"former Sóc Trăng: {n:,} members, participation {100 * n / women:.2f}% of {women:,} "
        f"women 18+, phone {100 * phone / n:.1f}%, smartphone {100 * smart / n:.1f}%, "
        f"social networks {100 * social / n:.1f}%"
    )


class MemberRows:
    """Generates realistic member rows group by group and copies them in chunks (with their
    history rows, events and consents), keeping their summary keys by unit path in `tally`.
    Also used by the benchmarks to fill a database of national size."""

    def __init__(self, *, rng, today: datetime.date, first_serial: int = 1) -> None:
        self.rng, self.today = rng, today
        self.now = timezone.now()
        self.next_id = (
            Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        # CCCD serials per prefix (province, century and sex, year of birth): unique numbers.
        self.serials: dict[str, int] = defaultdict(lambda: first_serial - 1)
        self.names: dict[str, tuple[str, str, str]] = {}
        self.rows: list[dict] = []
        self.current = self.former = 0
        self.tally: dict[str, Counter] = defaultdict(Counter)  # unit path → summary keys

    def add_group(self, group: Unit, top: Unit, count: int, khmer_share: float, origin: str):
        hamlet = group.parent.name.replace("Chi hội ", "") if group.parent_id else ""
        rng = self.rng
        for _n in range(count):
            self.rows.append(self._member(group, top, hamlet, rng.random() < khmer_share, origin))
            self.current += 1
        for _n in range(sum(rng.random() < LEFT_SHARE for _n in range(count))):
            row = self._member(group, top, hamlet, rng.random() < khmer_share, origin)
            row["status"] = rng.choice([Member.Status.LEFT] * 4 + [Member.Status.DECEASED])
            left = self.today - datetime.timedelta(days=rng.randint(1, 730))
            row["status_since"] = max(left, row["joined_on"])
            if row["status"] == Member.Status.LEFT:
                row["status_reason"] = rng.choice(["Chuyển nơi ở", "Lấy chồng xa", "Xin ra hội"])
            self.rows.append(row)
            self.former += 1
        if len(self.rows) >= CHUNK:
            self.flush()

    def _member(self, group: Unit, top: Unit, hamlet: str, khmer: bool, origin: str) -> dict:
        rng, today = self.rng, self.today
        age = rng.randint(*AGE_BAND(rng))
        born = datetime.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
        joined = max(born.replace(year=born.year + 18), datetime.date(1990, 1, 1))
        joined = min(joined + datetime.timedelta(days=rng.randint(0, 3000)), today)
        smartphone = rng.random() < 0.955
        social = smartphone and rng.random() < 0.733
        zalo = social and rng.random() < 0.93
        facebook = social and (rng.random() < 0.8 or not zalo)
        ethnicity = KHMER_CODE if khmer else NON_KHMER(rng)
        religion = KHMER_RELIGION(rng) if khmer else RELIGION(rng)
        name = names.woman_name(rng, khmer=khmer)
        stored = self.names.get(name)
        if stored is None:
            stored = self.names[name] = person_name_fields(name)
        pk, self.next_id = self.next_id, self.next_id + 1
        cccd = None
        if rng.random() < 0.85:
            prefix = f"{CCCD_PROVINCE.get(origin, '092')}{1 if born.year < 2000 else 3}{born.year % 100:02d}"
            self.serials[prefix] += 1
            cccd = f"{prefix}{self.serials[prefix]:06d}"
        return {
            "id": pk, "unit_id": group.pk, "unit_path": group.path, "code": member_code(pk),
            "full_name": stored[0], "name_folded": stored[1], "name_sort": stored[2],
            "date_of_birth": born, "gender": Member.Gender.FEMALE, "ethnicity": ethnicity,
            "religion": religion, "cccd": cccd,
            "phone": f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**7):07d}",
            "address_area_id": top.area_id, "hamlet": hamlet, "home_town": "",
            "education": EDUCATION(rng), "qualification": QUALIFICATION(rng),
            "political_theory": "", "occupation": rng.choice(OCCUPATIONS),
            "party_member": rng.random() < 0.06, "member_type": Member.MemberType.ORDINARY,
            "is_core": rng.random() < 0.08, "joined_on": joined,
            "household": HOUSEHOLD(rng),
            "has_phone": True, "has_smartphone": smartphone, "has_internet": smartphone,
            "uses_zalo": zalo, "uses_facebook": facebook,
            "uses_tiktok": social and rng.random() < 0.35,
            "vneid_level": VNEID(rng),
            "has_bank_account": rng.random() < 0.62, "pays_cashless": rng.random() < 0.45,
            "status": Member.Status.ACTIVE, "status_since": joined, "status_reason": "",
            "created_at": self.now, "updated_at": self.now,
        }  # fmt: skip

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        for r in rows:
            left = (r["status_since"],) if r["status"] != Member.Status.ACTIVE else ()
            self.tally[r["unit_path"]].update(tally.member_keys(r, left))
        copy_rows(Member, MEMBER_COLUMNS, (tuple(r[c] for c in MEMBER_COLUMNS) for r in rows))
        name_words.remember_words({r["name_folded"] for r in rows})
        extra = {"history_date": self.now, "history_change_reason": None, "history_type": "+",
                 "history_user_id": None}  # fmt: skip
        copy_rows(
            Member.history.model,
            HISTORY_COLUMNS,
            (tuple(extra[c] if c in extra else r[c] for c in HISTORY_COLUMNS) for r in rows),
        )
        events = []
        for r in rows:
            events.append((r["id"], MemberEvent.Kind.ADMITTED, r["joined_on"], None, r["unit_id"],
                           "", None, self.now))  # fmt: skip
            if r["status"] != Member.Status.ACTIVE:
                kind = (
                    MemberEvent.Kind.LEFT
                    if r["status"] == Member.Status.LEFT
                    else MemberEvent.Kind.DIED
                )
                events.append((r["id"], kind, r["status_since"], r["unit_id"], None,
                               r["status_reason"], None, self.now))  # fmt: skip
        copy_rows(MemberEvent, ["member_id", "kind", "on", "from_unit_id", "to_unit_id", "reason",
                                "actor_id", "created_at"], events)  # fmt: skip
        copy_rows(
            Consent,
            ["member_id", "purpose", "given", "on", "recorded_by_id", "recorded_at"],
            ((r["id"], Consent.Purpose.MEMBERSHIP, True, r["joined_on"], None, self.now)
             for r in rows),
        )  # fmt: skip
