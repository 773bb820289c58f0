"""Demo members: about ten per group across the demo province, with the digital readiness
the seeds quote for Sóc Trăng (phone 100%, smartphone >95%, social networks ~70%).

This first increment of the member registry builds a working sample (~25,000 members);
the full 259,940 of the seed figures arrive with the registry's import and statistics.
"""

from __future__ import annotations

import datetime

from hoiso.core.text import person_name_fields
from hoiso.demo import names
from hoiso.demo.bulk import BATCH
from hoiso.members import tally
from hoiso.members.models import Consent, Member, MemberEvent
from hoiso.members.services import member_code
from hoiso.org.models import Unit

MEMBERS_PER_GROUP = (6, 14)
KHMER_CODE, KINH_CODE, HOA_CODE = "05", "01", "06"


def _member(ctx, group: Unit, khmer: bool) -> Member:
    rng = ctx.rng
    age = rng.choices([rng.randint(18, 30), rng.randint(31, 50), rng.randint(51, 70), rng.randint(71, 90)],
                      weights=[18, 42, 30, 10])[0]  # fmt: skip
    born = datetime.date(ctx.today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    joined = max(born.replace(year=born.year + 18), datetime.date(1990, 1, 1)) + datetime.timedelta(
        days=rng.randint(0, 3000)
    )
    joined = min(joined, ctx.today)
    smartphone = rng.random() < 0.955
    social = smartphone and rng.random() < 0.73
    ethnicity = KHMER_CODE if khmer else rng.choices([KINH_CODE, HOA_CODE], weights=[93, 7])[0]
    religion = rng.choices(["buddhism", "none", "catholic", "caodai", "hoahao"],
                           weights=[90, 6, 2, 1, 1])[0] if khmer else rng.choices(
        ["none", "buddhism", "catholic", "caodai", "hoahao", "protestant"], weights=[55, 30, 6, 4, 4, 1])[0]  # fmt: skip
    return Member(
        unit=group,
        code=f"tmp{rng.getrandbits(48):012x}",
        full_name=names.woman_name(rng, khmer=khmer),
        date_of_birth=born,
        gender=Member.Gender.FEMALE,
        ethnicity=ethnicity,
        religion=religion,
        phone=names.phone_number(rng),
        hamlet=group.parent.name.replace("Chi hội ", "") if group.parent_id else "",
        education=rng.choice(["primary", "lower_secondary", "upper_secondary", "upper_secondary"]),
        occupation=rng.choice(
            ["Nông dân", "Buôn bán", "Công nhân", "Nội trợ", "Cán bộ, công chức", "Giáo viên"]
        ),
        party_member=rng.random() < 0.06,
        is_core=rng.random() < 0.08,
        joined_on=joined,
        status_since=joined,
        household=rng.choices(["", "poor", "near_poor"], weights=[90, 4, 6])[0],
        has_phone=True,
        has_smartphone=smartphone,
        has_internet=smartphone,
        uses_zalo=social or (smartphone and rng.random() < 0.5),
        uses_facebook=social and rng.random() < 0.85,
        uses_tiktok=social and rng.random() < 0.35,
        vneid_level=rng.choices([0, 1, 2], weights=[12, 18, 70])[0],
        has_bank_account=rng.random() < 0.62,
        pays_cashless=rng.random() < 0.45,
    )


def build(ctx) -> None:
    province = ctx.refs["province"]
    soc_trang = ctx.refs["former_provinces"]["soc_trang"]
    groups = list(
        Unit.objects.subtree(province)
        .active()
        .filter(kind=Unit.Kind.GROUP)
        .select_related("parent")
        .order_by("path")
    )
    # Communes that came from Sóc Trăng (moved by the merge) have many Khmer members.
    merge = ctx.refs["merge"]
    khmer_communes = {
        op["unit"] for op in merge.operations if op["op"] == "move" and op["from"] == soc_trang.pk
    }
    members: list[Member] = []
    for group in groups:
        commune_pk = int(group.path.split(".")[1]) if group.depth >= 3 else None
        khmer_share = 0.35 if commune_pk in khmer_communes else 0.04
        for _n in range(ctx.rng.randint(*MEMBERS_PER_GROUP)):
            members.append(_member(ctx, group, khmer=ctx.rng.random() < khmer_share))
    _insert(members)
    tally.rebuild()
    ctx.refs["members"] = len(members)
    ctx.log(f"members: {len(members)} in {len(groups)} groups")


def _insert(members: list[Member]) -> None:
    """Bulk insert with what Member.save() would compute, then the codes from the new ids."""
    for member in members:
        member.full_name, member.name_folded, member.name_sort = person_name_fields(
            member.full_name
        )
        member.unit_path = member.unit.path
    Member.objects.bulk_create(members, batch_size=BATCH)
    for member in members:
        member.code = member_code(member.pk)
    Member.objects.bulk_update(members, ["code"], batch_size=BATCH)
    Member.history.bulk_history_create(members, batch_size=BATCH)
    MemberEvent.objects.bulk_create(
        (
            MemberEvent(member=m, kind=MemberEvent.Kind.ADMITTED, on=m.joined_on, to_unit=m.unit)
            for m in members
        ),
        batch_size=BATCH,
    )
    Consent.objects.bulk_create(
        (Consent(member=m, purpose=Consent.Purpose.MEMBERSHIP, on=m.joined_on) for m in members),
        batch_size=BATCH,
    )
