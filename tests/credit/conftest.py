"""The credit world of the tests: the standard programmes, a credit officer of commune A
(the checker of what xa_officer enters), six members of branch a1 and a savings group of
commune A holding them, meeting on the 10th."""

from __future__ import annotations

import datetime

import pytest

from tests.helpers import make_user
from tests.members.helpers import admit

D0 = datetime.date(2025, 1, 10)  # the day loans of the tests are disbursed
NAMES = ["Nguyễn Thị Lan", "Trần Thị Hoa", "Lê Thị Mai", "Phạm Thị Cúc", "Võ Thị Sen",
         "Đặng Thị Thu"]  # fmt: skip


@pytest.fixture
def programmes(db):
    from hoiso.credit.models import Programme
    from hoiso.credit.programmes import seed_programmes

    seed_programmes()
    return {p.code: p for p in Programme.objects.all()}


@pytest.fixture
def credit_officer(tree):
    return make_user(
        "can_bo_tin_dung", full_name="Huỳnh Thị Nga", role="credit_officer", unit=tree.a
    )


@pytest.fixture
def borrowers(tree, tinh_admin):
    return [admit(tinh_admin, tree.a1, full_name=name, joined_on=datetime.date(2024, 1, 5))
            for name in NAMES]  # fmt: skip


@pytest.fixture
def group(tree, xa_officer, programmes, borrowers):
    from hoiso.credit import services

    g = services.group_create(actor=xa_officer, unit=tree.a, name="Tổ TK&VV ấp 1", meeting_day=10,
                              formed_on=datetime.date(2024, 12, 1),
                              programmes=[programmes[c] for c in ("QH", "HN", "CN", "NSVS", "TKBB", "TKTN")])  # fmt: skip
    for m in borrowers:
        services.group_add_member(
            actor=xa_officer, group=g, member=m, joined_on=datetime.date(2024, 12, 1)
        )
    return g


@pytest.fixture
def make_loan(group, xa_officer, credit_officer, programmes, borrowers):
    """A disbursed loan (entered by xa_officer, approved by the credit officer)."""
    from hoiso.credit import services

    def make(*, code="HN", amount=10_000_000, months=12, member=0, on=D0, disburse=True):
        loan = services.loan_apply(actor=xa_officer, group=group, member=borrowers[member],
                                   programme=programmes[code], amount=amount, term_months=months,
                                   applied_on=on - datetime.timedelta(days=5), purpose="Nuôi heo")  # fmt: skip
        services.loan_approve(actor=credit_officer, loan=loan, on=on - datetime.timedelta(days=2))
        if disburse:
            services.loan_disburse(actor=xa_officer, loan=loan, on=on)
        loan.refresh_from_db()
        return loan

    return make


@pytest.fixture
def savings(group, xa_officer, programmes, borrowers):
    """A compulsory and a voluntary account for the first member."""
    from hoiso.credit import services

    return {kind: services.savings_open(actor=xa_officer, group=group, member=borrowers[0],
                                        product=programmes[code], opened_on=datetime.date(2024, 12, 1))
            for kind, code in (("compulsory", "TKBB"), ("voluntary", "TKTN"))}  # fmt: skip
