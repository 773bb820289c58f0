"""Member services: admission, edits, transfers, leaving, death, reinstatement — and scope."""

import datetime
import unicodedata

import pytest

from hoiso.core.models import AuditEntry
from hoiso.members.models import Consent, Member, MemberEvent, TransferRequest
from hoiso.members.services import (
    MemberError,
    consent_record,
    member_death,
    member_leave,
    member_reinstate,
    member_transfer,
    member_update,
    transfer_decide,
)
from hoiso.org.services import unit_move, units_merge
from tests.helpers import fresh, today
from tests.members.helpers import BORN, admit, make_cccd, member_data, nothing_changes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

JOINED = datetime.date(2025, 1, 15)


def reread(member) -> Member:
    return Member.objects.get(pk=member.pk)


# ------------------------------------------------------------------ admission


class TestAdmit:
    def test_ordinary_member(self, tree, xa_officer):
        cccd = make_cccd(born=BORN)
        m = admit(xa_officer, tree.a1, cccd=cccd, phone="+84 912 345 678",
                  consents=["membership", "contact"])  # fmt: skip
        m = reread(m)
        assert m.unit == tree.a1 and m.unit_path == tree.a1.path
        assert m.status == Member.Status.ACTIVE and m.status_since == JOINED == m.joined_on
        assert m.member_type == Member.MemberType.ORDINARY
        assert m.phone == "0912345678" and m.cccd == cccd
        assert m.code == f"HV{m.pk:010d}" and len(m.code) == 12 and m.code[2:].isdigit()

    def test_consents_event_and_audit(self, tree, xa_officer):
        m = admit(xa_officer, tree.a1, consents=["membership", "sensitive"])
        assert sorted(Consent.objects.filter(member=m).values_list("purpose", "given", "on",
                                                                   "recorded_by")) == [
            ("membership", True, JOINED, xa_officer.pk),
            ("sensitive", True, JOINED, xa_officer.pk),
        ]  # fmt: skip
        (event,) = MemberEvent.objects.filter(member=m)
        assert event.kind == MemberEvent.Kind.ADMITTED and event.to_unit == tree.a1
        assert event.on == JOINED and event.actor == xa_officer
        entry = AuditEntry.objects.get(action="member.admit")
        assert entry.object_id == str(m.pk) and entry.actor == xa_officer
        assert entry.unit_path == tree.a1.path

    def test_codes_are_distinct(self, tree, xa_officer):
        codes = {admit(xa_officer, tree.a1, full_name=f"Trần Thị {n}").code for n in "ABC"}
        assert len(codes) == 3

    def test_eighteen_on_the_join_date(self, tree, xa_officer):
        born = datetime.date(2007, 1, 15)
        admit(xa_officer, tree.a1, date_of_birth=born, joined_on=datetime.date(2025, 1, 15))
        with nothing_changes(), pytest.raises(MemberError, match="18 or older"):
            admit(xa_officer, tree.a1, full_name="Trần Thị Nhỏ", date_of_birth=born,
                  joined_on=datetime.date(2025, 1, 14))  # fmt: skip

    def test_ordinary_member_needs_a_date_of_birth(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(MemberError, match="date of birth"):
            admit(xa_officer, tree.a1, date_of_birth=None)

    def test_ordinary_member_is_a_woman(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(MemberError, match="woman"):
            admit(xa_officer, tree.a1, full_name="Nguyễn Văn Nam", gender="M")

    def test_honorary_member_by_decision_may_be_a_man(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(MemberError, match="decision"):
            admit(xa_officer, tree.a1, full_name="Nguyễn Văn Nam", gender="M",
                  member_type="honorary", decision="  ")  # fmt: skip
        m = admit(xa_officer, tree.a1, full_name="Nguyễn Văn Nam", gender="M",
                  member_type="honorary", decision="12/QĐ-HPN", date_of_birth=None,
                  cccd=make_cccd(female=False))  # fmt: skip
        assert reread(m).member_type == Member.MemberType.HONORARY and m.gender == "M"
        assert MemberEvent.objects.get(member=m).reason == "12/QĐ-HPN"

    @pytest.mark.parametrize("key", ["a", "p", "q"])
    def test_unit_must_be_a_branch_or_group(self, tree, tinh_admin, superuser, key):
        actor = superuser if key == "q" else tinh_admin
        with nothing_changes(), pytest.raises(MemberError, match="branch or a group"):
            admit(actor, tree[key])

    def test_unit_must_be_active(self, tree, xa_officer):
        units_merge(actor=xa_officer, sources=[tree.a2], target=tree.a1, effective_on=today())
        with nothing_changes(), pytest.raises(MemberError, match="retired"):
            admit(xa_officer, tree.a2)

    def test_group_accepted(self, tree, xa_officer):
        assert admit(xa_officer, tree.a1a).unit == tree.a1a

    def test_duplicate_cccd_refused_with_nothing_written(self, tree, xa_officer, xa_officer_other):
        cccd = make_cccd()
        admit(xa_officer, tree.a1, cccd=cccd)
        with nothing_changes(), pytest.raises(MemberError, match="already has this citizen ID"):
            admit(xa_officer_other, tree.b1, full_name="Lê Thị Mai", cccd=cccd)
        with nothing_changes(), pytest.raises(MemberError, match="already has this citizen ID"):
            admit(xa_officer, tree.a2, full_name="Lê Thị Mai", cccd=int(cccd))  # lost its zero

    def test_inconsistent_cccd_refused(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(MemberError, match="year of birth"):
            admit(xa_officer, tree.a1, cccd=make_cccd(born=datetime.date(1991, 1, 1)))
        with nothing_changes(), pytest.raises(MemberError, match="sex"):
            admit(xa_officer, tree.a1, cccd=make_cccd(female=False))

    def test_every_problem_in_one_message(self, tree, xa_officer):
        with nothing_changes(), pytest.raises(MemberError) as caught:
            admit(xa_officer, tree.a1, full_name="", phone="12", cccd="abc")
        message = str(caught.value)
        assert "full name is missing" in message and "phone" in message and "citizen ID" in message

    @pytest.mark.parametrize(
        "name",
        [
            "<script>alert(1)</script>",
            "Lan<img src=x onerror=alert(1)>",
            '=HYPERLINK("http://x")',
            "@SUM(A1:A2)",
            "{{ 7*7 }}",
            "Nguyễn Thị Lan\x00",
            "Nguyễn\u202eThị Lan",  # right-to-left override
            "Nguyễn\u200bThị Lan",  # zero-width space
            "Lan\x1b[31m",
            "L" * 121,
            "   ",
        ],
    )
    def test_hostile_names_refused(self, tree, xa_officer, name):
        with nothing_changes(), pytest.raises(MemberError, match="name"):
            admit(xa_officer, tree.a1, full_name=name)

    def test_nfd_name_stored_as_nfc(self, tree, xa_officer):
        nfd = unicodedata.normalize("NFD", "Nguyễn  Thị   Ánh")
        assert nfd != "Nguyễn  Thị   Ánh"
        m = reread(admit(xa_officer, tree.a1, full_name=nfd))
        assert m.full_name == "Nguyễn Thị Ánh"
        assert unicodedata.is_normalized("NFC", m.full_name)
        assert m.name_folded == "nguyen thi anh"

    def test_long_nfd_name_within_the_limit_accepted(self, tree, xa_officer):
        """The length limit counts letters as stored (NFC), not the marks of an NFD paste."""
        name = " ".join(["Nguyễn"] * 17)  # 118 letters, many more code points in NFD
        nfd = unicodedata.normalize("NFD", name)
        assert len(nfd) > 120
        assert reread(admit(xa_officer, tree.a1, full_name=nfd)).full_name == name

    def test_future_or_ancient_birth_refused(self, tree, xa_officer):
        for born in (today() + datetime.timedelta(days=1), datetime.date(1899, 12, 31)):
            with nothing_changes(), pytest.raises(MemberError, match="date of birth"):
                admit(xa_officer, tree.a1, date_of_birth=born)


# ------------------------------------------------------------------ scope


class TestScope:
    def test_sibling_commune_officer_cannot_admit(self, tree, xa_officer_other):
        with nothing_changes(), pytest.raises(MemberError, match="own unit"):
            admit(xa_officer_other, tree.a1)

    def test_sibling_commune_officer_cannot_touch_a_member(self, tree, lan, xa_officer_other):
        calls = [
            lambda: member_update(actor=xa_officer_other, member=lan,
                                  data=member_data(full_name="Bị Sửa")),
            lambda: member_transfer(actor=xa_officer_other, member=lan, to_unit=tree.b1, on=today()),
            lambda: member_leave(actor=xa_officer_other, member=lan, on=today(), reason="moved"),
            lambda: member_death(actor=xa_officer_other, member=lan, on=today()),
            lambda: consent_record(actor=xa_officer_other, member=lan, purpose="contact",
                                   given=False, on=today()),
        ]  # fmt: skip
        for call in calls:
            with nothing_changes(), pytest.raises(MemberError, match="own unit"):
                call()

    def test_sibling_cannot_reinstate(self, tree, lan, xa_officer, xa_officer_other):
        member_leave(actor=xa_officer, member=lan, on=today(), reason="moved")
        with nothing_changes(), pytest.raises(MemberError, match="own unit"):
            member_reinstate(actor=xa_officer_other, member=reread(lan), on=today())
        with nothing_changes(), pytest.raises(MemberError, match="own unit"):
            member_reinstate(actor=xa_officer_other, member=reread(lan), on=today(), unit=tree.b1)

    def test_branch_leader_admits_into_her_branch_and_its_groups_only(self, tree, chi_hoi_leader):
        assert admit(chi_hoi_leader, tree.a1).unit == tree.a1
        assert admit(chi_hoi_leader, tree.a1b, full_name="Hồ Thị Hai").unit == tree.a1b
        for key in ("a2", "a2a", "b1"):
            with nothing_changes(), pytest.raises(MemberError, match="own unit"):
                admit(chi_hoi_leader, tree[key], full_name="Hồ Thị Ba")

    def test_viewer_cannot_admit_or_edit(self, tree, lan, viewer):
        with nothing_changes(), pytest.raises(MemberError, match="own unit"):
            admit(viewer, tree.a1)
        with nothing_changes(), pytest.raises(MemberError, match="own unit"):
            member_update(actor=viewer, member=lan, data=member_data(full_name="Bị Sửa"))

    def test_no_actor_cannot_admit(self, tree, anonymous):
        with nothing_changes(), pytest.raises(MemberError):
            admit(anonymous, tree.a1)

    def test_province_admin_reaches_every_commune(self, tree, tinh_admin):
        assert admit(tinh_admin, tree.b1).unit == tree.b1
        with nothing_changes(), pytest.raises(MemberError, match="own unit"):
            admit(tinh_admin, tree.c1)


# ------------------------------------------------------------------ update


class TestUpdate:
    def test_history_and_audit(self, lan, xa_officer):
        before = lan.history.count()
        member_update(actor=xa_officer, member=lan,
                      data=member_data(full_name="Nguyễn Thị Lan Anh", phone="0987 654 321",
                                       occupation="Nông dân"))  # fmt: skip
        m = reread(lan)
        assert m.full_name == "Nguyễn Thị Lan Anh" and m.phone == "0987654321"
        assert m.history.count() == before + 1
        assert m.history.earliest().full_name == "Nguyễn Thị Lan"
        entry = AuditEntry.objects.get(action="member.update")
        assert entry.details["fields"] == ["full_name", "occupation", "phone"]
        assert entry.object_id == str(m.pk) and entry.actor == xa_officer

    def test_partial_update_keeps_the_other_fields(self, tree, xa_officer):
        """A correction of one field leaves the others (CCCD, phone, sex) as they were."""
        cccd = make_cccd(female=False)
        m = admit(xa_officer, tree.a1, full_name="Nguyễn Văn Nam", gender="M",
                  member_type="honorary", decision="3/QĐ", cccd=cccd, phone="0912345678")  # fmt: skip
        member_update(actor=xa_officer, member=m, data={"occupation": "Giáo viên"})
        m = reread(m)
        assert (m.occupation, m.cccd, m.phone, m.gender, m.full_name) == (
            "Giáo viên", cccd, "0912345678", "M", "Nguyễn Văn Nam")  # fmt: skip
        assert AuditEntry.objects.get(action="member.update").details["fields"] == ["occupation"]

    def test_own_cccd_is_no_duplicate(self, tree, xa_officer):
        cccd = make_cccd()
        m = admit(xa_officer, tree.a1, cccd=cccd)
        member_update(actor=xa_officer, member=m, data=member_data(cccd=cccd, hamlet="Ấp 3"))
        assert reread(m).hamlet == "Ấp 3"

    def test_taking_another_members_cccd_refused(self, tree, xa_officer, lan):
        cccd = make_cccd()
        admit(xa_officer, tree.a1, full_name="Lê Thị Hoa", cccd=cccd)
        with nothing_changes(), pytest.raises(MemberError, match="already has this citizen ID"):
            member_update(actor=xa_officer, member=lan, data=member_data(cccd=cccd))

    def test_fields_outside_the_form_ignored(self, lan, xa_officer, tree):
        member_update(actor=xa_officer, member=lan,
                      data=member_data(status="deceased", code="HV9", unit=tree.b1))  # fmt: skip
        m = reread(lan)
        assert m.status == Member.Status.ACTIVE and m.code == lan.code and m.unit == tree.a1


# ------------------------------------------------------------------ transfers


class TestTransferWithinProvince:
    def test_moves_at_once(self, tree, lan, xa_officer):
        member_transfer(
            actor=xa_officer, member=lan, to_unit=tree.b1, on=today(), reason="Lấy chồng"
        )
        m = reread(lan)
        assert m.unit == tree.b1 and m.unit_path == tree.b1.path
        assert m.status == Member.Status.ACTIVE
        event = MemberEvent.objects.get(member=m, kind=MemberEvent.Kind.TRANSFERRED)
        assert (event.from_unit, event.to_unit, event.reason) == (tree.a1, tree.b1, "Lấy chồng")
        entry = AuditEntry.objects.get(action="member.transfer")
        assert entry.details == {"from": tree.a1.pk, "to": tree.b1.pk}
        assert not TransferRequest.objects.exists()

    def test_into_a_group_of_her_branch(self, tree, lan, chi_hoi_leader):
        member_transfer(actor=chi_hoi_leader, member=lan, to_unit=tree.a1a, on=today())
        assert reread(lan).unit_path == tree.a1a.path

    def test_to_a_retired_unit_refused(self, tree, lan, xa_officer):
        units_merge(actor=xa_officer, sources=[tree.a2], target=tree.a1, effective_on=today())
        with nothing_changes(), pytest.raises(MemberError, match="retired"):
            member_transfer(actor=xa_officer, member=lan, to_unit=tree.a2, on=today())

    def test_to_her_own_unit_or_a_commune_refused(self, tree, lan, xa_officer):
        with nothing_changes(), pytest.raises(MemberError, match="already belongs"):
            member_transfer(actor=xa_officer, member=lan, to_unit=tree.a1, on=today())
        with nothing_changes(), pytest.raises(MemberError, match="branch or a group"):
            member_transfer(actor=xa_officer, member=lan, to_unit=tree.b, on=today())

    def test_member_who_left_cannot_be_transferred(self, tree, lan, xa_officer):
        member_leave(actor=xa_officer, member=lan, on=today(), reason="resigned")
        with nothing_changes(), pytest.raises(MemberError, match="not an active member"):
            member_transfer(actor=xa_officer, member=reread(lan), to_unit=tree.a2, on=today())


class TestTransferToAnotherProvince:
    @pytest.fixture
    def request_(self, tree, lan, xa_officer):
        return member_transfer(actor=xa_officer, member=lan, to_unit=tree.c1, on=today(),
                               reason="Chuyển vào Thành phố Hồ Chí Minh")  # fmt: skip

    def test_becomes_a_pending_request(self, tree, lan, request_, xa_officer):
        assert isinstance(request_, TransferRequest)
        assert request_.status == TransferRequest.Status.PENDING
        assert (request_.unit, request_.to_unit, request_.requested_by) == (
            tree.a1,
            tree.c1,
            xa_officer,
        )
        m = reread(lan)
        assert m.status == Member.Status.TRANSFER_PENDING
        assert m.unit == tree.a1 and m.unit_path == tree.a1.path  # stays until accepted
        event = MemberEvent.objects.get(member=m, kind=MemberEvent.Kind.TRANSFER_REQUESTED)
        assert (event.from_unit, event.to_unit) == (tree.a1, tree.c1)
        assert AuditEntry.objects.filter(action="member.transfer_request").count() == 1

    def test_accepted_by_the_receiving_province(self, tree, lan, request_, q_officer):
        decided = transfer_decide(actor=q_officer, request=request_, accept=True)
        assert decided.status == TransferRequest.Status.ACCEPTED and decided.decided_by == q_officer
        assert decided.decided_at is not None
        m = reread(lan)
        assert m.unit == tree.c1 and m.unit_path == tree.c1.path
        assert m.status == Member.Status.ACTIVE and m.code == lan.code
        event = MemberEvent.objects.get(member=m, kind=MemberEvent.Kind.TRANSFER_ACCEPTED)
        assert (event.from_unit, event.to_unit, event.actor) == (tree.a1, tree.c1, q_officer)
        assert AuditEntry.objects.filter(action="member.transfer_accept").count() == 1

    def test_refused_puts_her_back(self, tree, lan, request_, q_officer):
        transfer_decide(actor=q_officer, request=request_, accept=False, reason="Không cư trú")
        m = reread(lan)
        assert m.status == Member.Status.ACTIVE and m.unit == tree.a1
        assert TransferRequest.objects.get().status == TransferRequest.Status.REFUSED
        assert MemberEvent.objects.filter(member=m, kind=MemberEvent.Kind.TRANSFER_REFUSED).exists()

    def test_sending_side_cannot_decide(
        self, lan, request_, xa_officer, tinh_admin, xa_officer_other
    ):
        for actor in (xa_officer, tinh_admin, xa_officer_other):
            for accept in (True, False):
                with nothing_changes(), pytest.raises(MemberError, match="receiving unit"):
                    transfer_decide(actor=fresh(actor), request=request_, accept=accept)

    def test_cannot_accept_into_a_unit_outside_the_receiving_province(
        self, tree, request_, superuser
    ):
        with nothing_changes(), pytest.raises(MemberError, match="receiving unit"):
            transfer_decide(actor=superuser, request=request_, accept=True, to_unit=tree.b1)

    def test_deciding_twice_refused(self, request_, q_officer):
        transfer_decide(actor=q_officer, request=request_, accept=True)
        for accept in (True, False):
            with nothing_changes(), pytest.raises(MemberError, match="already been decided"):
                transfer_decide(actor=q_officer, request=request_, accept=accept)

    def test_death_cancels_a_pending_transfer(self, lan, request_, xa_officer, q_officer):
        member_death(actor=xa_officer, member=reread(lan), on=today())
        assert TransferRequest.objects.get().status == TransferRequest.Status.CANCELLED
        assert reread(lan).status == Member.Status.DECEASED
        for accept in (True, False):
            with nothing_changes(), pytest.raises(MemberError, match="already been decided"):
                transfer_decide(actor=q_officer, request=request_, accept=accept)

    def test_pending_member_cannot_leave_or_transfer_again(self, tree, lan, request_, xa_officer):
        with nothing_changes(), pytest.raises(MemberError, match="not an active member"):
            member_leave(actor=xa_officer, member=reread(lan), on=today(), reason="moved")
        with nothing_changes(), pytest.raises(MemberError, match="not an active member"):
            member_transfer(actor=xa_officer, member=reread(lan), to_unit=tree.a2, on=today())


# ------------------------------------------------------------------ leaving, death, return


class TestLeaveDeathReinstate:
    @pytest.mark.parametrize("reason", ["moved", "married_away", "resigned", "other"])
    def test_leave_with_a_reason(self, lan, xa_officer, reason):
        member_leave(actor=xa_officer, member=lan, on=today(), reason=reason, note="Đi làm xa")
        m = reread(lan)
        assert m.status == Member.Status.LEFT and m.status_since == today()
        assert m.status_reason.endswith(": Đi làm xa")
        event = MemberEvent.objects.get(member=m, kind=MemberEvent.Kind.LEFT)
        assert event.reason == m.status_reason
        assert AuditEntry.objects.get(action="member.leave").details == {"reason": reason}

    def test_leave_needs_a_known_reason(self, lan, xa_officer):
        for reason in ("", "fired"):
            with nothing_changes(), pytest.raises(MemberError, match="reason"):
                member_leave(actor=xa_officer, member=lan, on=today(), reason=reason)

    def test_leave_twice_refused(self, lan, xa_officer):
        member_leave(actor=xa_officer, member=lan, on=today(), reason="moved")
        with nothing_changes(), pytest.raises(MemberError, match="not an active member"):
            member_leave(actor=xa_officer, member=reread(lan), on=today(), reason="moved")

    def test_death(self, lan, xa_officer):
        on = today() - datetime.timedelta(days=3)
        member_death(actor=xa_officer, member=lan, on=on)
        m = reread(lan)
        assert m.status == Member.Status.DECEASED and m.status_since == on
        assert MemberEvent.objects.get(member=m, kind=MemberEvent.Kind.DIED).on == on
        assert AuditEntry.objects.filter(action="member.death").count() == 1

    def test_death_dates_checked(self, lan, xa_officer):
        for on in (today() + datetime.timedelta(days=1), BORN - datetime.timedelta(days=1)):
            with nothing_changes(), pytest.raises(MemberError, match="date of death"):
                member_death(actor=xa_officer, member=lan, on=on)

    def test_death_recorded_once(self, lan, xa_officer):
        member_death(actor=xa_officer, member=lan, on=today())
        with nothing_changes(), pytest.raises(MemberError, match="already been recorded"):
            member_death(actor=xa_officer, member=reread(lan), on=today())

    def test_reinstate_after_leaving(self, tree, lan, xa_officer):
        member_leave(actor=xa_officer, member=lan, on=today(), reason="moved")
        member_reinstate(actor=xa_officer, member=reread(lan), on=today(), unit=tree.a2a,
                         reason="Trở về địa phương")  # fmt: skip
        m = reread(lan)
        assert m.status == Member.Status.ACTIVE and m.status_reason == ""
        assert m.unit == tree.a2a and m.unit_path == tree.a2a.path
        event = MemberEvent.objects.get(member=m, kind=MemberEvent.Kind.REINSTATED)
        assert (event.from_unit, event.to_unit) == (tree.a1, tree.a2a)

    def test_reinstate_into_her_own_unit(self, tree, lan, xa_officer):
        member_leave(actor=xa_officer, member=lan, on=today(), reason="moved")
        member_reinstate(actor=xa_officer, member=reread(lan), on=today())
        assert reread(lan).unit == tree.a1 and reread(lan).status == Member.Status.ACTIVE

    def test_reinstate_only_after_leaving(self, lan, xa_officer):
        with nothing_changes(), pytest.raises(MemberError, match="has left"):
            member_reinstate(actor=xa_officer, member=lan, on=today())
        member_death(actor=xa_officer, member=lan, on=today())
        with nothing_changes(), pytest.raises(MemberError, match="has left"):
            member_reinstate(actor=xa_officer, member=reread(lan), on=today())

    def test_branch_leader_cannot_reinstate_outside_her_branch(self, tree, lan, chi_hoi_leader):
        member_leave(actor=chi_hoi_leader, member=lan, on=today(), reason="moved")
        with nothing_changes(), pytest.raises(MemberError, match="own unit"):
            member_reinstate(actor=chi_hoi_leader, member=reread(lan), on=today(), unit=tree.a2)

    def test_consent_withdrawn_keeps_the_earlier_record(self, lan, xa_officer):
        consent_record(actor=xa_officer, member=lan, purpose="membership", given=False, on=today())
        assert list(
            Consent.objects.filter(member=lan).order_by("pk").values_list("given", flat=True)
        ) == [True, False]
        with nothing_changes(), pytest.raises(MemberError, match="Unknown purpose"):
            consent_record(
                actor=xa_officer, member=lan, purpose="marketing", given=True, on=today()
            )


# ------------------------------------------------------------------ restructuring


@pytest.mark.portable
class TestRestructuring:
    def test_merged_branch_members_follow(self, tree, xa_officer):
        x = admit(xa_officer, tree.a2, full_name="Trần Thị Xuân")
        in_group = admit(xa_officer, tree.a2a, full_name="Trần Thị Nhóm")
        stays = admit(xa_officer, tree.a1, full_name="Trần Thị Ở")
        units_merge(actor=xa_officer, sources=[tree.a2], target=tree.a1, effective_on=today())
        assert reread(x).unit == tree.a1 and reread(x).unit_path == tree.a1.path
        # Her group moves under the target with its members, keeping the group.
        assert reread(in_group).unit == tree.a2a and reread(in_group).unit_path == tree.a2a.path
        assert tree.a2a.path.startswith(tree.a1.path)
        assert reread(stays).unit_path == tree.a1.path

    def test_moving_a_commune_rewrites_member_paths(self, tree, superuser, xa_officer):
        ms = [admit(xa_officer, tree[k], full_name=f"Trần Thị {k}") for k in ("a1", "a1a", "a2a")]
        old = tree.a.path
        unit_move(actor=superuser, unit=tree.a, new_parent=tree.q, effective_on=today(),
                  allow_cross_province=True)  # fmt: skip
        for m in ms:
            m = reread(m)
            assert m.unit_path == m.unit.path and m.unit_path.startswith(tree.q.path)
        assert not Member.objects.filter(unit_path__startswith=old).exists()
        assert Member.objects.visible_to(fresh(xa_officer), "view_personal").count() == 3
