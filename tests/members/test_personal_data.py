"""Her rights over her data: a full copy, and removal that leaves no trace of who she was in
the record, its history, events or the log, while the counts stay right."""

import datetime
import json

import pytest
from django.urls import reverse

from hoiso.core.models import AuditEntry
from hoiso.members.models import Member
from hoiso.members.personal_data import ANONYMOUS_NAME, member_anonymise
from hoiso.members.services import MemberError, member_update
from hoiso.members.stats import unit_stats
from tests.members.helpers import admit, make_cccd, nothing_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def hoa(tree, xa_officer):
    member = admit(xa_officer, tree.a1, full_name="Thạch Thị Hoa", phone="0912345678",
                   cccd=make_cccd(), ethnicity="05", religion="buddhism", hamlet="Ấp Phú Thạnh")  # fmt: skip
    member_update(actor=xa_officer, member=member, data={"occupation": "Buôn bán"})
    return Member.objects.get(pk=member.pk)


def test_copy_of_her_data(client, hoa, xa_officer):
    client.force_login(xa_officer)
    response = client.get(reverse("members:member_data_export", args=[hoa.pk]))
    data = json.loads(response.content)
    assert (
        data["record"]["full_name"] == "Thạch Thị Hoa" and data["record"]["phone"] == "0912345678"
    )
    assert data["events"][0]["date"] and data["consents"] and len(data["history"]) >= 2
    assert AuditEntry.objects.filter(action="member.data_export", object_id=str(hoa.pk)).exists()


def test_anonymise_removes_identity_everywhere_and_keeps_counts(tree, hoa, xa_officer):
    before = unit_stats(
        unit=tree.a,
        on=datetime.date.today(),
        period_start=datetime.date(2025, 1, 1),
        sensitive=False,
    )
    member_anonymise(actor=xa_officer, member=hoa, reason="Đơn ngày 20/11/2026")
    member = Member.objects.get(pk=hoa.pk)
    assert member.full_name == ANONYMOUS_NAME and member.cccd is None and member.phone == ""
    assert member.ethnicity == "" and member.religion == "" and member.hamlet == ""
    assert member.date_of_birth == datetime.date(hoa.date_of_birth.year, 1, 1)
    assert member.status == Member.Status.LEFT
    for version in member.history.all():
        assert version.full_name == ANONYMOUS_NAME and not version.phone and not version.cccd
    assert not AuditEntry.objects.filter(object_repr__contains="Thạch Thị Hoa").exists()
    after = unit_stats(
        unit=tree.a,
        on=datetime.date.today(),
        period_start=datetime.date(2025, 1, 1),
        sensitive=False,
    )
    assert after.total == before.total - 1  # she left; the others are counted as before
    assert AuditEntry.objects.filter(action="member.anonymise").count() == 1


def test_anonymise_refused_cases_change_nothing(hoa, xa_officer, xa_officer_other):
    with nothing_changes(), pytest.raises(MemberError):
        member_anonymise(actor=xa_officer_other, member=hoa, reason="x")
    with nothing_changes(), pytest.raises(MemberError):
        member_anonymise(actor=xa_officer, member=hoa, reason="  ")
    member_anonymise(actor=xa_officer, member=hoa, reason="Đơn")
    with nothing_changes(), pytest.raises(MemberError):
        member_anonymise(actor=xa_officer, member=Member.objects.get(pk=hoa.pk), reason="Đơn")
