"""Member pages: list and search, the record (sensitive fields logged), admission and each
lifecycle form. Scope per persona is in tests/test_authorization_matrix.py."""

import datetime

import pytest
from django.urls import reverse

from hoiso.core.models import AuditEntry
from hoiso.members.models import Member, MemberEvent, TransferRequest
from hoiso.members.services import member_leave, member_transfer
from tests.helpers import today
from tests.members.helpers import admit, make_cccd, nothing_changes

pytestmark = pytest.mark.django_db


def d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def record_form(**overrides) -> dict:
    """What the record form posts for an ordinary member (check boxes left unticked)."""
    data = {"full_name": "Hồ Thị Hạnh", "date_of_birth": "12/05/1990", "gender": "F", "cccd": "",
            "phone": "", "ethnicity": "", "religion": "", "address_area": "", "hamlet": "",
            "home_town": "", "education": "", "qualification": "", "political_theory": "",
            "occupation": "", "member_type": "ordinary", "household": "", "vneid_level": "0"}  # fmt: skip
    data.update(overrides)
    return data


def reread(member) -> Member:
    return Member.objects.get(pk=member.pk)


@pytest.fixture
def members(tree, xa_officer, xa_officer_other):
    return {
        "lan": admit(xa_officer, tree.a1, full_name="Nguyễn Thị Thu Lan", phone="0912345678",
                     ethnicity="02", religion="catholic", cccd=make_cccd()),
        "dao": admit(xa_officer, tree.a2, full_name="Trần Thị Đào"),
        "mai": admit(xa_officer_other, tree.b1, full_name="Phạm Thị Mai"),
    }  # fmt: skip


@pytest.fixture
def as_(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# ------------------------------------------------------------------ list and search


class TestList:
    url = reverse("members:member_list")

    def test_lists_members_in_scope(self, members, as_, xa_officer):
        content = as_(xa_officer).get(self.url).content.decode()
        assert "Nguyễn Thị Thu Lan" in content and "Trần Thị Đào" in content
        assert "Phạm Thị Mai" not in content

    @pytest.mark.parametrize(
        ("query", "found", "not_found"),
        [
            ("lan nguyen", "Nguyễn Thị Thu Lan", "Trần Thị Đào"),
            ("dao", "Trần Thị Đào", "Nguyễn Thị Thu Lan"),
            ("+84 912 345 678", "Nguyễn Thị Thu Lan", "Trần Thị Đào"),
        ],
    )
    def test_search(self, members, as_, xa_officer, query, found, not_found):
        response = as_(xa_officer).get(self.url, {"q": query})
        content = response.content.decode()
        assert found in content and not_found not in content
        assert [m.full_name for m in response.context["page"]] == [found]

    def test_search_by_code_and_status_filter(self, members, as_, xa_officer):
        member_leave(actor=xa_officer, member=members["dao"], on=today(), reason="moved")
        client = as_(xa_officer)
        page = client.get(self.url, {"q": members["lan"].code}).context["page"]
        assert [m.pk for m in page] == [members["lan"].pk]
        page = client.get(self.url, {"status": "left"}).context["page"]
        assert [m.pk for m in page] == [members["dao"].pk]

    def test_vietnamese_order(self, members, as_, tinh_admin):
        page = as_(tinh_admin).get(self.url).context["page"]
        # Given names: Đào, Lan, Mai (d < đ < l < m)
        assert [m.full_name for m in page] == ["Trần Thị Đào", "Nguyễn Thị Thu Lan", "Phạm Thị Mai"]

    def test_viewer_gets_404(self, members, as_, viewer):
        assert as_(viewer).get(self.url).status_code == 404


# ------------------------------------------------------------------ the record


class TestDetail:
    def url(self, member):
        return reverse("members:member_detail", args=[member.pk])

    def test_sensitive_fields_shown_and_logged_each_time(self, members, as_, xa_officer):
        lan = members["lan"]
        client = as_(xa_officer)
        for n in (1, 2):
            content = client.get(self.url(lan)).content.decode()
            assert "Tày" in content and "Công giáo" in content
            entries = AuditEntry.objects.filter(action="member.view_sensitive")
            assert entries.count() == n
        entry = entries.first()
        assert entry.actor == xa_officer and entry.object_id == str(lan.pk)
        assert entry.unit_path == lan.unit_path

    def test_branch_leader_sees_the_record_without_sensitive_fields(
        self, members, as_, chi_hoi_leader
    ):
        response = as_(chi_hoi_leader).get(self.url(members["lan"]))
        content = response.content.decode()
        assert response.status_code == 200 and "Nguyễn Thị Thu Lan" in content
        assert members["lan"].cccd in content and "0912345678" in content
        assert "Tày" not in content and "Công giáo" not in content
        assert not AuditEntry.objects.filter(action="member.view_sensitive").exists()

    def test_history_hides_sensitive_changes_from_the_branch_leader(
        self, members, as_, xa_officer, chi_hoi_leader
    ):
        lan = members["lan"]
        from hoiso.members.services import member_update

        member_update(
            actor=xa_officer, member=lan, data={"religion": "buddhism", "hamlet": "Ấp Mới"}
        )
        from django.utils import translation

        from hoiso.members.reference import RELIGION_CHOICES

        with translation.override("vi"):
            buddhism = str(dict(RELIGION_CHOICES)["buddhism"])  # shown by its label
        url = reverse("members:member_history", args=[lan.pk])
        content = as_(chi_hoi_leader).get(url).content.decode()
        assert "Ấp Mới" in content and buddhism not in content and "buddhism" not in content
        assert not AuditEntry.objects.filter(action="member.view_sensitive").exists()
        content = as_(xa_officer).get(url).content.decode()
        assert "Ấp Mới" in content and buddhism in content
        assert AuditEntry.objects.filter(action="member.view_sensitive").count() == 1

    def test_events_listed(self, members, as_, xa_officer, tree):
        member_transfer(actor=xa_officer, member=members["lan"], to_unit=tree.a2, on=today())
        content = as_(xa_officer).get(self.url(members["lan"])).content.decode()
        assert "Chi hội Khu vực 1 → Chi hội Khu vực 2" in content


# ------------------------------------------------------------------ admission


class TestCreate:
    url = reverse("members:member_create")

    def post(self, client, tree, **overrides):
        data = record_form(**{"unit": tree.a1.pk, **overrides}, joined_on=d(datetime.date(2025, 3, 8)),
                           consents=["membership", "contact"], decision="")  # fmt: skip
        return client.post(self.url, data)

    def test_admits_through_the_form(self, tree, as_, xa_officer):
        cccd = make_cccd()
        response = self.post(as_(xa_officer), tree, cccd=cccd, phone="0912.345.678",
                             ethnicity="01", religion="none", uses_zalo="on")  # fmt: skip
        assert response.status_code == 302, response.context["form"].errors
        m = Member.objects.get()
        assert response["Location"] == reverse("members:member_detail", args=[m.pk])
        assert (m.full_name, m.unit, m.cccd, m.phone, m.ethnicity, m.uses_zalo) == (
            "Hồ Thị Hạnh", tree.a1, cccd, "0912345678", "01", True)  # fmt: skip
        assert m.joined_on == datetime.date(2025, 3, 8) and m.code.startswith("HV")
        assert sorted(m.consents.values_list("purpose", flat=True)) == ["contact", "membership"]
        assert MemberEvent.objects.get(member=m).kind == MemberEvent.Kind.ADMITTED

    def test_refusal_shown_on_the_form(self, tree, as_, xa_officer, members):
        with nothing_changes():
            response = self.post(as_(xa_officer), tree, cccd=members["lan"].cccd)
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()

    def test_branch_leader_cannot_choose_another_branch(self, tree, as_, chi_hoi_leader):
        with nothing_changes():
            response = self.post(as_(chi_hoi_leader), tree, unit=tree.a2.pk)
        assert response.status_code == 200 and "unit" in response.context["form"].errors
        response = self.post(as_(chi_hoi_leader), tree, unit=tree.a1b.pk)
        assert response.status_code == 302 and Member.objects.get().unit == tree.a1b

    def test_sibling_officer_cannot_admit_into_commune_a(self, tree, as_, xa_officer_other):
        with nothing_changes():
            response = self.post(as_(xa_officer_other), tree)
        assert response.status_code == 200 and "unit" in response.context["form"].errors

    def test_branch_leader_form_has_no_sensitive_fields(self, as_, chi_hoi_leader, xa_officer):
        form = as_(chi_hoi_leader).get(self.url).context["form"]
        assert "ethnicity" not in form.fields and "religion" not in form.fields
        form = as_(xa_officer).get(self.url).context["form"]
        assert "ethnicity" in form.fields and "religion" in form.fields


# ------------------------------------------------------------------ edit and lifecycle


class TestLifecycle:
    def test_edit(self, members, as_, xa_officer):
        lan = members["lan"]
        before = lan.history.count()
        url = reverse("members:member_edit", args=[lan.pk])
        response = as_(xa_officer).post(url, record_form(full_name="Nguyễn Thị Lan Anh", cccd=lan.cccd,
                                                         phone="0912345678", ethnicity="02",
                                                         religion="catholic"))  # fmt: skip
        assert response.status_code == 302
        m = reread(lan)
        assert m.full_name == "Nguyễn Thị Lan Anh" and m.history.count() == before + 1
        assert AuditEntry.objects.get(action="member.update").details["fields"] == ["full_name"]

    def test_edit_by_branch_leader_keeps_sensitive_fields(self, members, as_, chi_hoi_leader):
        """Her form has no ethnicity or religion: saving it must not erase them."""
        lan = members["lan"]
        url = reverse("members:member_edit", args=[lan.pk])
        response = as_(chi_hoi_leader).post(url, record_form(full_name="Nguyễn Thị Thu Lan", cccd=lan.cccd,
                                                             phone="0912345678", hamlet="Ấp 2"))  # fmt: skip
        assert response.status_code == 302
        m = reread(lan)
        assert (m.hamlet, m.ethnicity, m.religion) == ("Ấp 2", "02", "catholic")

    def test_transfer_within_the_province(self, members, as_, xa_officer, tree):
        url = reverse("members:member_transfer", args=[members["lan"].pk])
        response = as_(xa_officer).post(
            url, {"to_unit": tree.a2a.pk, "on": d(today()), "reason": "Chuyển nhà"}
        )
        assert response.status_code == 302
        m = reread(members["lan"])
        assert m.unit == tree.a2a and m.unit_path == tree.a2a.path

    def test_transfer_by_code_to_another_province(self, members, as_, xa_officer, q_officer, tree):
        url = reverse("members:member_transfer", args=[members["lan"].pk])
        response = as_(xa_officer).post(url, {"to_code": "c1", "on": d(today()), "reason": ""})
        assert response.status_code == 302
        request = TransferRequest.objects.get()
        assert request.to_unit == tree.c1 and request.status == TransferRequest.Status.PENDING
        assert reread(members["lan"]).status == Member.Status.TRANSFER_PENDING

        decide = reverse("members:transfer_decide", args=[request.pk])
        with nothing_changes():
            assert (
                as_(xa_officer)
                .post(decide, {"accept": "1", "to_unit": "", "reason": ""})
                .status_code
                == 404
            )
        client = as_(q_officer)
        assert "Nguyễn Thị Thu Lan" in client.get(reverse("members:transfer_list")).content.decode()
        response = client.post(decide, {"accept": "1", "to_unit": tree.c1.pk, "reason": ""})
        assert response.status_code == 302
        m = reread(members["lan"])
        assert m.unit == tree.c1 and m.status == Member.Status.ACTIVE
        assert TransferRequest.objects.get().status == TransferRequest.Status.ACCEPTED

    def test_transfer_needs_one_target(self, members, as_, xa_officer, tree):
        url = reverse("members:member_transfer", args=[members["lan"].pk])
        with nothing_changes():
            response = as_(xa_officer).post(
                url, {"to_unit": tree.a2.pk, "to_code": "C1", "on": d(today())}
            )
        assert response.status_code == 200 and response.context["form"].non_field_errors()

    def test_leave_then_reinstate(self, members, as_, xa_officer, tree):
        lan, client = members["lan"], as_(xa_officer)
        response = client.post(reverse("members:member_leave", args=[lan.pk]),
                               {"on": d(today()), "reason": "married_away", "note": ""})  # fmt: skip
        assert response.status_code == 302 and reread(lan).status == Member.Status.LEFT
        response = client.post(reverse("members:member_reinstate", args=[lan.pk]),
                               {"on": d(today()), "unit": tree.a1.pk, "reason": "Về lại"})  # fmt: skip
        assert response.status_code == 302 and reread(lan).status == Member.Status.ACTIVE
        kinds = list(
            MemberEvent.objects.filter(member=lan).order_by("pk").values_list("kind", flat=True)
        )
        assert kinds == ["admitted", "left", "reinstated"]

    def test_death(self, members, as_, xa_officer):
        lan = members["lan"]
        url = reverse("members:member_death", args=[lan.pk])
        client = as_(xa_officer)
        with nothing_changes():
            response = client.post(url, {"on": d(today() + datetime.timedelta(days=1))})
        assert response.status_code == 200 and response.context["form"].non_field_errors()
        assert client.post(url, {"on": d(today())}).status_code == 302
        assert reread(lan).status == Member.Status.DECEASED

    @pytest.mark.parametrize("name", ["member_edit", "member_transfer", "member_leave", "member_death",
                                      "member_reinstate"])  # fmt: skip
    def test_branch_leader_cannot_manage_another_branch(self, members, as_, chi_hoi_leader, name):
        url = reverse(f"members:{name}", args=[members["dao"].pk])
        client = as_(chi_hoi_leader)
        with nothing_changes():
            assert client.get(url).status_code == 404
            assert client.post(url, {"on": d(today()), "reason": "moved"}).status_code == 404
