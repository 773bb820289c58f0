"""The meeting and report rows of the authorisation matrix (tests/test_authorization_matrix.py,
through tests/credit/matrix.py: `specs()` and `with_snapshot()`).

Targets in commune A (Hội LHPN phường Ninh Kiều, xa_officer's): a savings group with two
members of branch a1, a disbursed loan and a compulsory savings account.

Who gets what, at the group's or unit's place (else 404):
  COLLECT_CREDIT   meetings, sheet (page, PDF, XLSX), collect — xa_officer, tinh_admin; the
                   branch leader of a1 holds it only for groups of her branch (this one is A's)
  VIEW             portfolio, PAR and ageing, trial balance, commission (figures, no names)
  MANAGE_CREDIT    the lists with members' names (loan-use check, savings, reconciliation)
  APPROVE_CREDIT   period closing (page and POST)
The report rows name commune A (?unit=); one portfolio row without ?unit= shows each persona
her own unit's figures, with nothing of A for the sibling and the branch leader."""

from __future__ import annotations

import datetime

from django.urls import reverse

GROUP_OF_A = "Tổ tiết kiệm Bến Ninh"
BORROWER = "Hà Thị Dụng"
MEETING = datetime.date(2025, 2, 10)
READS = {"credit.sheet_download", "credit.list_export"}  # downloads logged as reads


def credit_meetings_world(w) -> dict:
    """Built once per test (cached on the world)."""
    cached = getattr(w, "_credit_meetings", None)
    if cached is not None:
        return cached
    from hoiso.credit import services
    from hoiso.credit.models import Programme
    from hoiso.credit.programmes import seed_programmes
    from tests.members.helpers import admit

    seed_programmes()
    progs = {p.code: p for p in Programme.objects.all()}
    xa, admin = w.users["xa_officer"], w.users["tinh_admin"]
    formed = datetime.date(2024, 12, 1)
    group = services.group_create(actor=xa, unit=w.tree.a, name=GROUP_OF_A, meeting_day=10,
                                  formed_on=formed, programmes=[progs["HN"], progs["TKBB"]])  # fmt: skip
    members = [admit(admin, w.tree.a1, full_name=name, joined_on=datetime.date(2024, 1, 5))
               for name in ("Lý Thị Tín", BORROWER)]  # fmt: skip
    for m in members:
        services.group_add_member(actor=xa, group=group, member=m, joined_on=formed)
    account = services.savings_open(actor=xa, group=group, member=members[0],
                                    product=progs["TKBB"], opened_on=formed)  # fmt: skip
    loan = services.loan_apply(actor=xa, group=group, member=members[1], programme=progs["HN"],
                               amount=5_000_000, term_months=12, applied_on=datetime.date(2025, 1, 5),
                               purpose="Nuôi bò")  # fmt: skip
    services.loan_approve(actor=admin, loan=loan, on=datetime.date(2025, 1, 8))
    services.loan_disburse(actor=xa, loan=loan, on=datetime.date(2025, 1, 10))
    made = {"group": group, "loan": loan, "account": account}
    w._credit_meetings = made
    return made


def with_snapshot(snapshot):
    """db_snapshot with the rows these pages write (submissions, closings, the ledger) and
    without the downloads' read logs (a download changes nothing)."""

    def taken() -> dict:
        from hoiso.core.models import AuditEntry
        from hoiso.credit.models import CollectionSubmission, PeriodClose
        from tests.credit.helpers import ledger_rows

        found = snapshot()
        reads = set(AuditEntry.objects.filter(action__in=READS).values_list("pk", flat=True))
        found["audit"] = [row for row in found.get("audit", []) if row[0] not in reads]
        found["credit_meetings"] = [
            ledger_rows(),
            list(CollectionSubmission.objects.order_by("pk").values_list("pk", "group_id", "on")),
            list(PeriodClose.objects.order_by("pk").values_list("pk", "unit_id", "closed_to")),
        ]
        return found

    return taken


def _group_url(name, **query):
    def url(w):
        pk = credit_meetings_world(w)["group"].pk
        extra = "&".join(f"{k}={v}" for k, v in query.items())
        return reverse(name, args=[pk]) + (f"?{extra}" if extra else "")

    return url


def _unit_url(name, **query):
    def url(w):
        credit_meetings_world(w)
        extra = "".join(f"&{k}={v}" for k, v in query.items())
        return f"{reverse(name)}?unit={w.tree.pks['a']}{extra}"

    return url


def _lists_url(name, **query):
    def url(w):
        pk = credit_meetings_world(w)["group"].pk
        extra = "".join(f"&{k}={v}" for k, v in query.items())
        return f"{reverse(name)}?group={pk}{extra}"

    return url


def _collected(w) -> dict:
    made = credit_meetings_world(w)
    return {"key": "matrix-meeting-key", "on": MEETING.isoformat(),
            f"loan-{made['loan'].pk}": "500.000", f"sav-{made['account'].pk}": "10.000"}  # fmt: skip


def _is_pdf(response, persona, w):
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def _is_xlsx(response, persona, w):
    if response.status_code == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.content[:2] == b"PK"


def specs():
    from tests.test_authorization_matrix import Spec

    on = {"on": MEETING.isoformat()}
    period = {"from": "01/01/2025", "to": "31/03/2025"}
    return [
        # the meeting of a group: COLLECT_CREDIT at the group's unit
        Spec("credit:meeting_list", _group_url("credit:meeting_list")),
        Spec("credit:sheet", _group_url("credit:sheet", **on)),
        Spec("credit:sheet_pdf", _group_url("credit:sheet_pdf", **on), check=_is_pdf),
        Spec("credit:sheet_xlsx", _group_url("credit:sheet_xlsx", **on), check=_is_xlsx),
        Spec("credit:collect", _group_url("credit:collect", **on)),
        Spec(
            "credit:collect",
            _group_url("credit:collect"),
            method="post",
            writes=True,
            data=_collected,
        ),  # fmt: skip
        # figures of commune A: VIEW there
        Spec("credit:portfolio", _unit_url("credit:portfolio", **period)),
        Spec(
            "credit:portfolio",
            lambda w: credit_meetings_world(w) and reverse("credit:portfolio"),
            label="own unit",
            expect={"xa_officer_other": 200, "chi_hoi_leader": 200},
            hidden=lambda w: [GROUP_OF_A],
        ),  # fmt: skip
        Spec("credit:par", _unit_url("credit:par", on="31/03/2025")),
        Spec("credit:trial_balance", _unit_url("credit:trial_balance", on="31/03/2025")),
        Spec("credit:commission", _unit_url("credit:commission", **period)),
        # closing the books: APPROVE_CREDIT
        Spec("credit:period_close", _unit_url("credit:period_close")),
        Spec(
            "credit:period_close",
            _unit_url("credit:period_close"),
            method="post",
            writes=True,
            data=lambda w: {"unit": w.tree.pks["a"], "closed_to": "31/01/2025", "note": ""},
        ),  # fmt: skip
        # the lists with members' names: MANAGE_CREDIT
        Spec(
            "credit:export_loan_use",
            _unit_url("credit:export_loan_use", on="31/03/2025"),
            check=_is_xlsx,
        ),  # fmt: skip
        Spec(
            "credit:export_loan_use",
            _lists_url("credit:export_loan_use"),
            label="group",
            check=_is_xlsx,
        ),  # fmt: skip
        Spec("credit:export_savings", _unit_url("credit:export_savings", **period), check=_is_xlsx),
        Spec(
            "credit:export_savings",
            _lists_url("credit:export_savings"),
            label="group",
            check=_is_xlsx,
        ),  # fmt: skip
        Spec(
            "credit:export_reconciliation",
            _unit_url("credit:export_reconciliation", **period),
            check=_is_xlsx,
        ),  # fmt: skip
        Spec(
            "credit:export_reconciliation",
            _lists_url("credit:export_reconciliation"),
            label="group",
            check=_is_xlsx,
        ),  # fmt: skip
    ]
