"""Likely duplicate records: finding them in the user's scope, merging them, and the pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, override

from hoiso.core.models import AuditEntry
from hoiso.members import duplicates
from hoiso.members.models import Member, MemberEvent
from hoiso.members.services import MemberError, member_leave
from tests.helpers import today
from tests.members.helpers import BORN, admit, make_cccd, nothing_changes

pytestmark = [pytest.mark.django_db, pytest.mark.portable, pytest.mark.usefixtures("english")]


def reread(member) -> Member:
    return Member.objects.get(pk=member.pk)


def groups(user):
    return duplicates.groups_for(user, duplicates.duplicate_keys(user))


@pytest.fixture
def pair(tree, xa_officer):
    """Nguyễn Thị Lan twice in commune A: once with accents and a CCCD, once typed without."""
    first = admit(xa_officer, tree.a1, full_name="Nguyễn Thị Lan", cccd=make_cccd(),
                  phone="0912345678", occupation="Giáo viên")  # fmt: skip
    second = admit(xa_officer, tree.a2a, full_name="nguyen thi  LAN", hamlet="Khu vực 2",
                   occupation="Nông dân", ethnicity="01")  # fmt: skip
    return first, second


@pytest.fixture
def as_(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# ------------------------------------------------------------------ finding


class TestFinding:
    def test_same_folded_name_and_birth_date_make_a_group(self, pair, xa_officer):
        first, second = pair
        assert first.name_folded == second.name_folded == "nguyen thi lan"
        (group,) = groups(xa_officer)
        assert [m.pk for m in group.members] == [first.pk, second.pk]
        assert group.date_of_birth == BORN

    def test_another_birth_date_is_another_woman(self, tree, xa_officer):
        admit(xa_officer, tree.a1, full_name="Nguyễn Thị Lan")
        admit(
            xa_officer,
            tree.a2,
            full_name="Nguyễn Thị Lan",
            date_of_birth=datetime.date(1991, 5, 12),
        )
        assert groups(xa_officer) == []

    def test_two_different_cccds_are_two_women(self, tree, xa_officer):
        admit(xa_officer, tree.a1, full_name="Nguyễn Thị Lan", cccd=make_cccd())
        admit(xa_officer, tree.a2, full_name="Nguyễn Thị Lan", cccd=make_cccd())
        assert groups(xa_officer) == []

    def test_across_communes_for_the_province_only(
        self, tree, xa_officer, xa_officer_other, tinh_admin
    ):
        a = admit(xa_officer, tree.a1, full_name="Nguyễn Thị Lan")
        b = admit(xa_officer_other, tree.b1, full_name="Nguyen Thi Lan")
        (group,) = groups(tinh_admin)
        assert {m.pk for m in group.members} == {a.pk, b.pk}
        assert groups(xa_officer) == [] and groups(xa_officer_other) == []

    def test_out_of_scope_duplicates_are_invisible_to_the_sibling(
        self, pair, xa_officer_other, chi_hoi_leader
    ):
        assert groups(xa_officer_other) == []
        assert groups(chi_hoi_leader) == []  # only one of the two is in her branch a1

    def test_merged_and_inactive_records_are_left_out(self, pair, xa_officer):
        first, second = pair
        member_leave(actor=xa_officer, member=second, on=today(), reason="moved")
        assert groups(xa_officer) == []

    def test_group_of_a_record(self, pair, tree, xa_officer):
        first, second = pair
        assert [m.pk for m in duplicates.group_of(xa_officer, second)] == [second.pk, first.pk]
        alone = admit(xa_officer, tree.a1, full_name="Trần Thị Mai")
        assert duplicates.group_of(xa_officer, alone) == [alone]

    def test_one_grouped_query(self, tree, xa_officer):
        for n in range(3):
            admit(xa_officer, tree.a1, full_name=f"Lê Thị {'ABC'[n]}")
            admit(xa_officer, tree.a2, full_name=f"Le Thi {'ABC'[n]}")
        with CaptureQueriesContext(connection) as captured:
            found = groups(xa_officer)
        assert len(found) == 3 and len(captured) == 2


# ------------------------------------------------------------------ merging


class TestMerge:
    def test_fills_empty_fields_only_and_closes_the_other(self, pair, xa_officer):
        first, second = pair
        cccd = first.cccd
        history = {m.pk: m.history.count() for m in pair}
        duplicates.members_merge(actor=xa_officer, keep=second, others=[first])
        kept, closed = reread(second), reread(first)
        assert kept.cccd == cccd and kept.phone == "0912345678"  # filled from the other
        assert kept.occupation == "Nông dân" and kept.hamlet == "Khu vực 2"  # never overwritten
        assert kept.ethnicity == "01" and kept.status == Member.Status.ACTIVE
        assert closed.status == Member.Status.LEFT and closed.status_since == today()
        assert closed.status_reason == f"Merged into {kept.code}"
        assert closed.cccd is None  # given up to the kept record; the history keeps it
        assert closed.history.filter(cccd=cccd).exists()
        assert kept.history.count() == history[second.pk] + 1
        assert closed.history.count() == history[first.pk] + 1
        event = MemberEvent.objects.filter(member=closed).first()
        assert event.kind == MemberEvent.Kind.LEFT and event.reason == closed.status_reason
        assert event.actor == xa_officer and event.from_unit_id == first.unit_id
        kept_event = MemberEvent.objects.filter(member=kept).first()
        assert kept_event.kind == duplicates.KEPT_EVENT_KIND and closed.code in kept_event.reason
        entries = AuditEntry.objects.filter(action="member.merge")
        assert {e.object_id for e in entries} == {str(kept.pk), str(closed.pk)}
        main = entries.get(object_id=str(kept.pk))
        assert main.details["closed"] == [closed.pk] and set(main.details["filled"]) == {
            "cccd",
            "phone",
        }
        assert Member.objects.count() == 2  # nothing deleted

    def test_three_records(self, tree, xa_officer):
        a = admit(xa_officer, tree.a1, full_name="Võ Thị Hoa")
        b = admit(xa_officer, tree.a2, full_name="Vo Thi Hoa", home_town="Cần Thơ")
        c = admit(
            xa_officer, tree.a2a, full_name="VÕ THỊ HOA", home_town="Sóc Trăng", phone="0987654321"
        )
        duplicates.members_merge(actor=xa_officer, keep=a, others=[b, c])
        kept = reread(a)
        assert kept.home_town == "Cần Thơ" and kept.phone == "0987654321"
        assert {reread(b).status, reread(c).status} == {Member.Status.LEFT}
        assert groups(xa_officer) == []

    def test_already_merged_refused(self, pair, tree, xa_officer):
        first, second = pair
        duplicates.members_merge(actor=xa_officer, keep=second, others=[first])
        with nothing_changes(), pytest.raises(MemberError, match="already been merged"):
            duplicates.members_merge(actor=xa_officer, keep=second, others=[reread(first)])

    def test_inactive_record_refused(self, pair, xa_officer):
        first, second = pair
        member_leave(actor=xa_officer, member=second, on=today(), reason="moved")
        with nothing_changes(), pytest.raises(MemberError, match="not an active member"):
            duplicates.members_merge(actor=xa_officer, keep=first, others=[second])

    def test_out_of_scope_refused(self, pair, chi_hoi_leader, xa_officer_other):
        first, second = pair
        for actor in (chi_hoi_leader, xa_officer_other):
            with nothing_changes(), pytest.raises(MemberError, match="your own unit"):
                duplicates.members_merge(actor=actor, keep=first, others=[second])

    def test_not_duplicates_refused(self, tree, xa_officer, pair):
        first, _second = pair
        other = admit(
            xa_officer, tree.a2, full_name="Nguyễn Thị Lan", date_of_birth=datetime.date(1991, 1, 1)
        )
        with nothing_changes(), pytest.raises(MemberError, match="not duplicates"):
            duplicates.members_merge(actor=xa_officer, keep=first, others=[other])

    def test_different_cccds_refused(self, tree, xa_officer):
        a = admit(xa_officer, tree.a1, full_name="Nguyễn Thị Lan", cccd=make_cccd())
        b = admit(xa_officer, tree.a2, full_name="Nguyễn Thị Lan", cccd=make_cccd())
        with nothing_changes(), pytest.raises(MemberError, match="different citizen IDs"):
            duplicates.members_merge(actor=xa_officer, keep=a, others=[b])

    def test_nothing_to_merge_or_itself_refused(self, pair, xa_officer):
        first, _second = pair
        with nothing_changes(), pytest.raises(MemberError, match="at least one"):
            duplicates.members_merge(actor=xa_officer, keep=first, others=[])
        with nothing_changes(), pytest.raises(MemberError, match="into itself"):
            duplicates.members_merge(actor=xa_officer, keep=first, others=[first])


# ------------------------------------------------------------------ pages


class TestViews:
    def test_list(self, pair, as_, xa_officer):
        response = as_(xa_officer).get(reverse("members:duplicate_list"))
        assert response.status_code == 200
        content = response.content.decode()
        assert "Nguyễn Thị Lan" in content and pair[1].code in content

    def test_list_is_empty_for_the_sibling_and_404_for_a_viewer(
        self, pair, client, as_, xa_officer_other, viewer
    ):
        response = as_(xa_officer_other).get(reverse("members:duplicate_list"))
        assert response.status_code == 200 and "Nguyễn Thị Lan" not in response.content.decode()
        client.force_login(viewer)
        assert client.get(reverse("members:duplicate_list")).status_code == 404

    def test_review_side_by_side(self, pair, as_, xa_officer, tree):
        first, second = pair
        response = as_(xa_officer).get(reverse("members:duplicate_review", args=[first.pk]))
        assert response.status_code == 200
        content = response.content.decode()
        assert first.code in content and second.code in content
        assert "Tổ 1" not in content and "Tổ 3" in content and "Chi hội Khu vực 1" in content
        differing = {r["name"] for r in response.context["rows"] if r["differs"]}
        assert {"cccd", "occupation", "unit", "code"} <= differing
        assert "full_name" in differing  # typed differently, folded alike
        assert "date_of_birth" not in differing and "gender" not in differing

    def test_review_hides_sensitive_fields_from_the_branch_leader(
        self, tree, as_, chi_hoi_leader, xa_officer
    ):
        a = admit(xa_officer, tree.a1, full_name="Lâm Thị Ngọc", ethnicity="01")
        admit(xa_officer, tree.a1a, full_name="Lam Thi Ngoc")
        response = as_(chi_hoi_leader).get(reverse("members:duplicate_review", args=[a.pk]))
        labels = {r["name"] for r in response.context["rows"]}
        assert "ethnicity" not in labels and "occupation" in labels

    def test_review_out_of_scope_is_404(self, pair, as_, xa_officer_other, chi_hoi_leader):
        _first, second = pair
        url = reverse("members:duplicate_review", args=[second.pk])
        assert as_(xa_officer_other).get(url).status_code == 404
        assert as_(chi_hoi_leader).get(url).status_code == 404

    def test_merge(self, pair, as_, xa_officer):
        first, second = pair
        url = reverse("members:duplicate_merge", args=[first.pk])
        response = as_(xa_officer).post(url, {"keep": second.pk})
        assert response.status_code == 302
        assert response["Location"] == reverse("members:member_detail", args=[second.pk])
        assert reread(first).status == Member.Status.LEFT and reread(second).cccd == first.cccd

    def test_merge_refusal_shown(self, pair, as_, xa_officer):
        first, second = pair
        client = as_(xa_officer)
        url = reverse("members:duplicate_merge", args=[second.pk])
        with nothing_changes():
            response = client.post(url, {"keep": second.pk, "close": [second.pk]}, follow=True)
        assert response.redirect_chain[-1][0] == reverse(
            "members:duplicate_review", args=[second.pk]
        )
        with override("vi"):  # the page speaks the user's language
            expected = gettext("The kept record cannot also be merged into itself.")
        assert expected in response.content.decode()

    def test_closed_record_is_no_longer_in_the_group(self, pair, as_, xa_officer):
        first, second = pair
        Member.objects.filter(pk=first.pk).update(status=Member.Status.DECEASED)
        url = reverse("members:duplicate_merge", args=[second.pk])
        with nothing_changes():
            assert (
                as_(xa_officer).post(url, {"keep": second.pk, "close": [first.pk]}).status_code
                == 404
            )

    def test_merge_of_a_record_outside_the_group_is_404(
        self, pair, tree, as_, xa_officer, xa_officer_other
    ):
        first, second = pair
        stranger = admit(xa_officer_other, tree.b1, full_name="Nguyễn Thị Lan")
        url = reverse("members:duplicate_merge", args=[first.pk])
        with nothing_changes():
            assert (
                as_(xa_officer).post(url, {"keep": first.pk, "close": [stranger.pk]}).status_code
                == 404
            )
            assert as_(xa_officer_other).post(url, {"keep": first.pk}).status_code == 404
            assert as_(xa_officer).get(url).status_code == 405
