"""Restoring an earlier version of a member's record: the details come back as a new
version; her unit and status stay; sensitive fields only for roles that may read them;
refusals change nothing."""

import pytest
from django.urls import reverse
from django.utils import translation

from hoiso.core.models import AuditEntry
from hoiso.members.models import Member
from hoiso.members.personal_data import member_anonymise
from hoiso.members.services import MemberError, member_restore, member_transfer, member_update
from tests.members.helpers import admit, make_cccd, nothing_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def hoa(tree, xa_officer):
    member = admit(xa_officer, tree.a1, full_name="Thạch Thị Hoa", phone="0912345678",
                   ethnicity="05", occupation="Nông dân")  # fmt: skip
    member_update(actor=xa_officer, member=member,
                  data={"occupation": "Buôn bán", "phone": "0987654321", "ethnicity": "01"})  # fmt: skip
    return Member.objects.get(pk=member.pk)


def first_version(member):
    return member.history.order_by("history_date", "history_id").first()


def test_restore_brings_the_details_back_as_a_new_version(tree, hoa, xa_officer, tinh_admin):
    member_transfer(actor=tinh_admin, member=hoa, to_unit=tree.a2, on=hoa.joined_on)
    versions = hoa.history.count()
    restored = member_restore(
        actor=xa_officer, member=hoa, version_id=first_version(hoa).history_id
    )
    assert (restored.occupation, restored.phone, restored.ethnicity) == (
        "Nông dân",
        "0912345678",
        "05",
    )
    assert restored.unit_id == tree.a2.pk and restored.status == Member.Status.ACTIVE  # not undone
    assert hoa.history.count() == versions + 1
    entry = AuditEntry.objects.filter(action="member.restore").get()
    assert entry.details["fields"] == ["ethnicity", "occupation", "phone"]


def test_sensitive_fields_stay_for_roles_that_may_not_read_them(tree, hoa, chi_hoi_leader):
    restored = member_restore(
        actor=chi_hoi_leader, member=hoa, version_id=first_version(hoa).history_id
    )
    assert restored.occupation == "Nông dân" and restored.ethnicity == "01"


def test_refusals_change_nothing(tree, hoa, xa_officer, xa_officer_other):
    version = first_version(hoa).history_id
    with nothing_changes(), pytest.raises(MemberError):  # outside her scope
        member_restore(actor=xa_officer_other, member=hoa, version_id=version)
    other = admit(xa_officer, tree.a2, full_name="Lê Thị Mai")
    with nothing_changes(), pytest.raises(MemberError):  # another member's version
        member_restore(actor=xa_officer, member=hoa, version_id=first_version(other).history_id)


def test_a_cccd_taken_since_is_refused(tree, xa_officer):
    cccd = make_cccd()
    lan = admit(xa_officer, tree.a1, full_name="Nguyễn Thị Lan", cccd=cccd)
    member_update(actor=xa_officer, member=lan, data={"cccd": ""})
    admit(xa_officer, tree.a2, full_name="Trần Thị Lan", cccd=cccd)
    with nothing_changes(), pytest.raises(MemberError):
        member_restore(actor=xa_officer, member=lan, version_id=first_version(lan).history_id)


def test_an_anonymised_record_cannot_be_restored(hoa, xa_officer):
    version = first_version(hoa).history_id
    member_anonymise(actor=xa_officer, member=hoa, reason="Đơn ngày 1/11")
    with nothing_changes(), pytest.raises(MemberError):
        member_restore(actor=xa_officer, member=hoa, version_id=version)


def test_the_page_shows_what_changes_then_restores(client, hoa, xa_officer):
    client.force_login(xa_officer)
    history = client.get(reverse("members:member_history", args=[hoa.pk])).content.decode()
    url = reverse("members:member_restore", args=[hoa.pk, first_version(hoa).history_id])
    assert url in history
    with translation.override("vi"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
        assert "Nông dân" in page and "Buôn bán" in page
        assert translation.gettext("Restore this version") in page
    response = client.post(url)
    assert response.status_code == 302
    assert Member.objects.get(pk=hoa.pk).occupation == "Nông dân"


def test_a_version_of_another_member_is_404(client, tree, hoa, xa_officer):
    other = admit(xa_officer, tree.a2, full_name="Lê Thị Mai")
    client.force_login(xa_officer)
    url = reverse("members:member_restore", args=[hoa.pk, first_version(other).history_id])
    with nothing_changes():
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
