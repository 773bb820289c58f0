"""What the member registry tells people through their inbox: a transfer request reaches the
receiving unit's nearest officials, its decision reaches the official who asked, and an
import's outcome reaches the official who started it."""

import pytest
from django.urls import reverse
from django.utils import translation

from hoiso.accounts.models import Role
from hoiso.accounts.selectors import nearest_holders
from hoiso.core.permissions import Action
from hoiso.members.models import Member
from hoiso.members.services import member_transfer, transfer_decide
from hoiso.notifications.models import Notification, OutgoingMail
from tests.helpers import make_user, today
from tests.members.test_import import GOOD
from tests.members.test_import_views import confirm, run_worker, start

pytestmark = pytest.mark.django_db


def _inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_nearest_holders_are_the_closest_officials_who_may_act(tree, xa_officer, tinh_admin,
                                                               chi_hoi_leader):  # fmt: skip
    # Branch a1 has its own leader; branch a2 has none, so commune A's officer acts for it.
    assert nearest_holders(unit=tree.a1a, action=Action.MANAGE_MEMBERS) == [chi_hoi_leader]
    assert nearest_holders(unit=tree.a2a, action=Action.MANAGE_MEMBERS) == [xa_officer]
    assert nearest_holders(unit=tree.a, action=Action.VIEW_AUDIT) == [xa_officer]
    # A withdrawn role or a locked account does not count: the next level up acts.
    Role.objects.filter(user=xa_officer).update(is_active=False)
    assert nearest_holders(unit=tree.a2, action=Action.MANAGE_MEMBERS) == [tinh_admin]
    tinh_admin.is_active = False
    tinh_admin.save(update_fields=["is_active"])
    assert nearest_holders(unit=tree.a2, action=Action.MANAGE_MEMBERS) == []


def test_a_transfer_request_reaches_the_receiving_officials_and_its_decision_the_sender(
    tree, lan, xa_officer, q_officer, tinh_admin
):
    province_q = make_user("q_admin", role="province_admin", unit=tree.q)
    with translation.override("vi"):
        request = member_transfer(actor=xa_officer, member=lan, to_unit=tree.c1, on=today(),
                                  reason="Chuyển nơi cư trú")  # fmt: skip
    (notice,) = _inbox(q_officer)
    assert notice.kind == "members.transfer_requested"
    assert notice.url == reverse("members:transfer_decide", args=[request.pk])
    assert "Nguyễn Thị Lan" in notice.title and "Chi hội Bến Nghé" in notice.title
    assert lan.code in notice.body and notice.unit == tree.c1
    # Commune C acts for its branch: neither province is told, nor the sender.
    assert _inbox(province_q) == _inbox(tinh_admin) == _inbox(xa_officer) == []
    assert OutgoingMail.objects.filter(to_address=q_officer.email).count() == 1

    with translation.override("vi"):
        transfer_decide(actor=q_officer, request=request, accept=False, reason="Không cư trú")
    (decided,) = _inbox(xa_officer)
    assert decided.kind == "members.transfer_decided"
    assert "Nguyễn Thị Lan" in decided.title and "Không cư trú" in decided.body
    assert decided.url == reverse("members:transfer_list")
    assert Member.objects.get(pk=lan.pk).status == Member.Status.ACTIVE


def test_a_refused_transfer_request_tells_nobody(tree, lan, xa_officer_other, q_officer):
    from hoiso.members.services import MemberError

    with pytest.raises(MemberError):  # commune B's officer cannot move commune A's member
        member_transfer(actor=xa_officer_other, member=lan, to_unit=tree.c1, on=today())
    assert Notification.objects.count() == 0 and OutgoingMail.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_import_outcome_reaches_the_official_who_started_it(tree, xa_officer, client):
    client.force_login(xa_officer)
    batch = confirm(client, start(client, tree.a1, GOOD))
    run_worker()
    (checked,) = _inbox(xa_officer)
    assert checked.kind == "members.import" and checked.title.startswith("hoi-vien.xlsx: ")
    assert checked.url == reverse("members:import_detail", args=[batch.pk])
    client.post(reverse("members:import_apply", args=[batch.pk]), {"mode": "valid"})
    run_worker()
    imported = _inbox(xa_officer)[-1]
    assert imported.kind == "members.import" and imported.pk != checked.pk
    # In the inbox only: she started it from the page and usually watches it finish there.
    assert OutgoingMail.objects.count() == 0
