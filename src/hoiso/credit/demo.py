"""Demo savings and credit: savings groups in a few communes of the demo province with a year
of history, all written through the services (every meeting through `collection_submit`,
every month through `month_end`), so the demo's books are what the officials' own work would
write and `manage.py credit_check_balances` passes on them.

The home commune (xa_officer's) has two groups, the sibling commune one; a group has
14–18 women of the commune, compulsory savings for all and voluntary savings for some; most
borrow in the first half-year on the Bank's programmes or the Union's fund. The commune
officer enters loans, the provincial administrator approves them (maker–checker). At each
monthly meeting most members pay what the sheet says; a few "late payers" pay part or
nothing, so there is overdue debt and PAR30 to see. One mistaken repayment is reversed,
and the home commune's books are closed up to the end of the month before last.

Each meeting is one `collection_submit`, which posts the whole sheet in a few bulk
statements (collection._post_lines), so the year of history takes a few seconds.
"""

from __future__ import annotations

import datetime

from hoiso.credit import loanstate, selectors, services
from hoiso.credit.models import Loan, Programme
from hoiso.credit.programmes import seed_programmes
from hoiso.credit.schedules import add_months
from hoiso.members.models import Member

GROUP_NAMES = ["Tổ TK&VV ấp Phú Hữu", "Tổ TK&VV ấp Mỹ Phước", "Tổ TK&VV ấp An Thạnh",
               "Tổ TK&VV khóm 3", "Tổ TK&VV ấp Xóm Chòi"]  # fmt: skip
PURPOSES = ["Nuôi heo", "Trồng lúa", "Mua máy may", "Buôn bán nhỏ", "Nuôi gà thả vườn",
            "Làm nhà vệ sinh, bể nước", "Học phí cho con", "Trồng rau màu"]  # fmt: skip


def build(ctx) -> None:
    seed_programmes()
    users = ctx.refs["users"]
    checker = users["tinh_admin"]
    programmes = {p.code: p for p in Programme.objects.all()}
    start = add_months(ctx.today, -12).replace(day=1)
    home, sibling = ctx.refs["home_commune"], ctx.refs["sibling_commune"]
    places = [(home, users["xa_officer"]), (sibling, users["xa_officer_other"])]
    if not ctx.sample:
        places.append((home, users["xa_officer"]))
    groups = []
    for n, (commune, maker) in enumerate(places):
        groups.append((*_group(ctx, n, commune, maker, programmes, start), maker))
    loans = _loans(ctx, groups, checker, programmes, start)
    meetings = _history(ctx, groups, start)
    _reverse_one(ctx, loans, checker)
    # The home commune's books are closed up to the end of the month before last.
    closed_to = add_months(ctx.today.replace(day=1), -1) - datetime.timedelta(days=1)
    services.period_close(actor=checker, unit=home, closed_to=closed_to,
                          note="Khóa sổ sau đối chiếu với Ngân hàng CSXH")  # fmt: skip
    ctx.refs["credit_groups"] = [g for g, _m, _a in groups]
    par30 = selectors.par30(unit=ctx.refs.get("province") or home, on=ctx.today)
    ctx.log(f"credit: {len(groups)} savings groups, {sum(len(m) for _g, m, _a in groups)} members, "
            f"{len(loans)} loans, {meetings} meetings, PAR30 {par30.percent()}%, "
            f"books of {home} closed to {closed_to:%d/%m/%Y}")  # fmt: skip


def _group(ctx, n, commune, actor, programmes, start):
    codes = ["QH", "HN", "CN", "NSVS", "GQVL", "HSSV", "TKBB", "TKTN"]
    group = services.group_create(actor=actor, unit=commune, name=GROUP_NAMES[n % len(GROUP_NAMES)],
                                  meeting_day=ctx.rng.choice([5, 10, 15, 20]), formed_on=start,
                                  programmes=[programmes[c] for c in codes])  # fmt: skip
    size = ctx.rng.randint(8, 10) if ctx.sample else ctx.rng.randint(14, 18)
    members = list(Member.objects.filter(unit_path__startswith=commune.path, status=Member.Status.ACTIVE)
                   .order_by("pk")[n * 20: n * 20 + size])  # fmt: skip
    for member in members:
        services.group_add_member(actor=actor, group=group, member=member, joined_on=start)
        services.savings_open(
            actor=actor, group=group, member=member, product=programmes["TKBB"], opened_on=start
        )
        if ctx.rng.random() < 0.3:
            services.savings_open(
                actor=actor, group=group, member=member, product=programmes["TKTN"], opened_on=start
            )
    if members:
        services.group_set_leader(actor=actor, group=group, member=members[0])
    return group, members


def _loans(ctx, groups, approver, programmes, start) -> list[Loan]:
    """Most members borrow once in the first half-year: entered by the commune's officer,
    approved by the province's administrator."""
    made = []
    choices = [("HN", 0.35), ("CN", 0.2), ("QH", 0.2), ("NSVS", 0.15), ("GQVL", 0.1)]
    for group, members, entered_by in groups:
        for member in members:
            if ctx.rng.random() > 0.7:
                continue
            code = _weighted(ctx.rng, choices)
            prog = programmes[code]
            amount = min(prog.max_amount, ctx.rng.randint(6, 60) * 1_000_000)
            months = max(prog.min_term_months, ctx.rng.choice([12, 18, 24, 36]))
            on = start + datetime.timedelta(days=ctx.rng.randint(3, 180))
            loan = services.loan_apply(actor=entered_by, group=group, member=member, programme=prog,
                                       amount=amount, term_months=months,
                                       applied_on=on - datetime.timedelta(days=7),
                                       purpose=ctx.rng.choice(PURPOSES))  # fmt: skip
            services.loan_approve(actor=approver, loan=loan, on=on - datetime.timedelta(days=3))
            services.loan_disburse(actor=entered_by, loan=loan, on=on)
            made.append(loan)
    # Two applications wait for approval, so the checker's queue is not empty.
    for group, members, maker in groups[:1]:
        for member in members[-2:]:
            services.loan_apply(actor=maker, group=group, member=member, programme=programmes["HN"],
                                amount=20_000_000, term_months=24, applied_on=ctx.today,
                                purpose="Nuôi bò sinh sản")  # fmt: skip
    return made


def _weighted(rng, pairs):
    roll, total = rng.random(), 0.0
    for value, weight in pairs:
        total += weight
        if roll <= total:
            return value
    return pairs[-1][0]


def _history(ctx, groups, start) -> int:
    """Twelve monthly meetings per group and a month-end after each month."""
    late = {m.pk for _g, members, _a in groups for m in members if ctx.rng.random() < 0.12}
    meetings, month = 0, start
    while month < ctx.today:
        for group, _members, officer in groups:
            on = month.replace(day=group.meeting_day)
            if start < on < ctx.today:
                _meeting(ctx, group, on, late, officer)
                meetings += 1
        month_end = add_months(month, 1) - datetime.timedelta(days=1)
        if month_end < ctx.today:
            services.month_end(on=month_end)
        month = add_months(month, 1)
    return meetings


def _meeting(ctx, group, on, late, actor) -> None:
    sheet = services.collection_sheet(group=group, on=on)
    lines = []
    for line in sheet.lines:
        for item in line.loans:
            due = item.total_due
            if line.member.pk in late:
                due = ctx.rng.choice([0, 0, due // 2 // 1000 * 1000])
            if due > 0:
                lines.append(services.CollectionLine(due, loan_id=item.loan.pk))
        for acct in line.savings:
            saved = acct.expected if acct.expected else ctx.rng.choice([0, 0, 0, 50_000, 100_000])
            if acct.expected:
                saved = ctx.rng.choice([acct.expected, acct.expected, 20_000, 30_000])
            if saved:
                lines.append(services.CollectionLine(saved, savings_account_id=acct.account.pk))
    services.collection_submit(actor=actor, group=group, on=on, lines=lines,
                               idempotency_key=f"demo-{group.code}-{on.isoformat()}")  # fmt: skip


def _reverse_one(ctx, loans, checker) -> None:
    """A repayment entered twice over is reversed (the correction the officials practise)."""
    from hoiso.credit.models import JournalEntry

    for loan in loans:
        loan.refresh_from_db()
        if loan.status != Loan.Status.ACTIVE:
            continue
        entry = JournalEntry.objects.filter(loan=loan, kind="repayment").order_by("-date").first()
        last = loanstate.last_entry_date(loan)
        if entry is not None and last is not None and entry.date == last:
            services.entry_reverse(actor=checker, entry=entry, on=max(last, ctx.today - datetime.timedelta(days=1)),
                                   reason="Nhập trùng phiếu thu")  # fmt: skip
            return
