"""Reporting pages: the indicator library (list, define, edit, delete), the cut-off days and
the computed figures of a unit for a period; scoping, and bad input that writes nothing."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from hoiso.core.models import AuditEntry
from hoiso.org.services import population_set
from hoiso.reporting.models import Indicator, Period, PeriodCutOff
from hoiso.reporting.services import indicator_create
from tests.helpers import make_user
from tests.members.helpers import admit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "library")]

ENTERED = {"code": "TT_LOP", "name": "Số lớp học “Bình dân học vụ số”", "measure": "sessions",
           "rollup": "sum", "source": "entered", "group": "Chuyển đổi số"}  # fmt: skip


def form(**fields) -> dict:
    data = {"description": "", "group": "", "order": 100, "computed_key": "", "decimal_places": 1,
            "active": "on", **ENTERED}  # fmt: skip
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def of_a(tree, tinh_admin):
    """An indicator commune A defined for itself."""
    return indicator_create(actor=tinh_admin, unit=tree.a, data={**ENTERED, "code": "A_RIENG",
                            "name": "Chỉ tiêu riêng của phường Ninh Kiều"})  # fmt: skip


def vi(message: str, **params) -> str:
    """A message as the (Vietnamese) page shows it: Django's own are translated already, ours
    once the lead fills the catalogue."""
    with translation.override("vi"):
        text = gettext(message)
    return text % params if params else text


def text(response) -> str:
    return html.unescape(response.content.decode())


def rows():
    return sorted(Indicator.objects.values_list("code", "name", "measure", "rollup", "source",
                                                "computed_key", "active", "unit_id"))  # fmt: skip


def as_(client, user):
    client.force_login(user)
    return client


# ------------------------------------------------------------------------- the library


def test_list_shows_the_library_and_the_own_subtree(client, tinh_admin, q_admin, of_a):
    page = as_(client, tinh_admin).get(reverse("reporting:indicator_list")).content.decode()
    assert "HV_TONG" in page and "GD_5K3S" in page and "A_RIENG" in page
    client.logout()
    other = as_(client, q_admin).get(reverse("reporting:indicator_list")).content.decode()
    assert "HV_TONG" in other and "A_RIENG" not in other and "Ninh Kiều" not in other
    found = client.get(
        reverse("reporting:indicator_list") + "?q=5+không&source=entered"
    ).content.decode()
    assert "GD_5K3S" in found and "HV_TONG" not in found


def test_the_library_needs_the_reporting_action(client, member, chi_hoi_leader):
    for user in (member, chi_hoi_leader):
        assert as_(client, user).get(reverse("reporting:indicator_list")).status_code == 404
        assert client.get(reverse("reporting:indicator_create")).status_code == 404
        assert client.get(reverse("reporting:cut_off_list")).status_code == 404
    client.logout()
    assert client.get(reverse("reporting:indicator_list")).status_code == 302


def test_define_an_indicator_for_a_commune(client, tree, tinh_admin):
    response = as_(client, tinh_admin).post(reverse("reporting:indicator_create"),
                                            form(owner=tree.a.pk, code="tt_lop"))  # fmt: skip
    assert response.status_code == 302
    made = Indicator.objects.get(code="TT_LOP")  # the code is stored in capitals
    assert made.unit == tree.a and made.unit_path == tree.a.path and made.active
    assert made.history.count() == 1


def test_define_a_computed_indicator(client, tree, superuser):
    response = as_(client, superuser).post(reverse("reporting:indicator_create"), form(
        code="HV_TL_NC", name="Tỷ lệ nòng cốt", measure="percent", rollup="ratio",
        source="computed", computed_key="members.core_pct", owner=""))  # fmt: skip
    assert response.status_code == 302
    made = Indicator.objects.get(code="HV_TL_NC")
    assert made.unit is None and made.computed.key == "members.core_pct"


CHOICE = "Select a valid choice. %(value)s is not one of the available choices."


@pytest.mark.parametrize(("fields", "message"), [
    ({"measure": "percent"},
     ("Percentages cannot be added up: choose a ratio of two sums, largest or latest.", {})),
    ({"code": "HV_TONG"}, ("Another indicator already has this code.", {})),
    ({"code": "mã có dấu"},
     ("Use 2–30 capital letters without accents, digits and _, starting with a letter.", {})),
    ({"source": "computed", "computed_key": "members.nothing"}, (CHOICE, {"value": "members.nothing"})),
    ({"source": "computed", "computed_key": ""}, ("Choose the function that computes this indicator.", {})),
    ({"source": "computed", "computed_key": "members.participation", "measure": "percent"},
     ("This function gives a ratio: it rolls up as a ratio of two sums.", {})),
    ({"measure": "kg"}, (CHOICE, {"value": "kg"})),
    ({"name": ""}, ("This field is required.", {})),
    ({"order": "đầu"}, ("Enter a whole number.", {})),
])  # fmt: skip
def test_bad_definitions_write_nothing(client, tree, tinh_admin, fields, message):
    before, audit = rows(), AuditEntry.objects.count()
    response = as_(client, tinh_admin).post(reverse("reporting:indicator_create"),
                                            form(owner=tree.a.pk, **fields))  # fmt: skip
    assert response.status_code == 200
    assert vi(message[0], **message[1]) in text(response)
    assert rows() == before and AuditEntry.objects.count() == audit


def test_a_forged_owner_outside_the_scope_writes_nothing(client, tree, tinh_admin):
    before = rows()
    response = as_(client, tinh_admin).post(
        reverse("reporting:indicator_create"), form(owner=tree.c.pk)
    )
    invalid = vi("Select a valid choice. That choice is not one of the available choices.")
    assert response.status_code == 200 and invalid in text(response)
    response = client.post(reverse("reporting:indicator_create"), form(owner=""))  # national
    assert response.status_code == 200 and vi("This field is required.") in text(response)
    assert rows() == before


def test_edit_and_deactivate(client, tinh_admin, of_a):
    url = reverse("reporting:indicator_edit", args=[of_a.pk])
    assert as_(client, tinh_admin).get(url).status_code == 200
    response = client.post(url, form(code="A_RIENG", name="Tên mới", active=None))
    assert response.status_code == 302
    of_a.refresh_from_db()
    assert of_a.name == "Tên mới" and not of_a.active and of_a.history.count() == 2


def test_a_bad_edit_writes_nothing(client, tinh_admin, of_a):
    before = rows()
    response = as_(client, tinh_admin).post(reverse("reporting:indicator_edit", args=[of_a.pk]),
                                            form(code="A_RIENG", measure="percent"))  # fmt: skip
    message = "Percentages cannot be added up: choose a ratio of two sums, largest or latest."
    assert response.status_code == 200 and vi(message) in text(response)
    assert rows() == before


def test_out_of_scope_indicators_are_not_found(
    client, q_admin, tinh_admin, superuser, library, of_a
):
    before = rows()
    for url in (reverse("reporting:indicator_edit", args=[of_a.pk]),
                reverse("reporting:indicator_delete", args=[of_a.pk])):  # fmt: skip
        assert (
            as_(client, q_admin).post(url, form(code="A_RIENG", name="Của tôi")).status_code == 404
        )
    national = reverse("reporting:indicator_edit", args=[library["HV_TONG"].pk])
    assert as_(client, tinh_admin).get(national).status_code == 404  # one province, not the nation
    assert client.post(national, form(code="HV_TONG", name="Đổi")).status_code == 404
    assert rows() == before
    assert as_(client, superuser).get(national).status_code == 200


def test_delete_an_unused_indicator(client, tinh_admin, of_a):
    response = as_(client, tinh_admin).post(reverse("reporting:indicator_delete", args=[of_a.pk]))
    assert response.status_code == 302
    assert not Indicator.objects.filter(pk=of_a.pk).exists()
    assert client.get(reverse("reporting:indicator_delete", args=[of_a.pk])).status_code == 405


# ------------------------------------------------------------------------- cut-off days


def test_cut_off_days_are_read_by_managers_and_set_nationally(client, tinh_admin, superuser):
    page = as_(client, tinh_admin).get(reverse("reporting:cut_off_list"))
    national = vi("The national administrators set these days for the whole country.")
    assert page.status_code == 200 and national in text(page)
    data = {"month": 20, "quarter": 14, "half": 14, "nine_months": 14, "year": 31}
    assert client.post(reverse("reporting:cut_off_list"), data).status_code == 404
    assert not PeriodCutOff.objects.exists()
    response = as_(client, superuser).post(reverse("reporting:cut_off_list"), data)
    assert response.status_code == 302
    assert dict(PeriodCutOff.objects.values_list("kind", "day")) == data


def test_bad_cut_off_days_write_nothing(client, superuser):
    bad = {"month": 32, "quarter": "mười", "half": 14, "nine_months": 0, "year": ""}
    response = as_(client, superuser).post(reverse("reporting:cut_off_list"), bad)
    assert response.status_code == 200
    content = text(response)
    assert (
        vi("Ensure this value is less than or equal to %(limit_value)s.", limit_value=31) in content
    )
    assert vi("Enter a whole number.") in content and vi("This field is required.") in content
    assert not PeriodCutOff.objects.exists()


# ------------------------------------------------------------------------- report figures


@pytest.fixture
def figures(tree, xa_officer):
    admit(xa_officer, tree.a1, full_name="Lê Thị Một", ethnicity="05", is_core=True,
          joined_on=datetime.date(2026, 1, 20))  # fmt: skip
    admit(xa_officer, tree.a2, full_name="Lê Thị Hai", joined_on=datetime.date(2026, 2, 20))
    population_set(actor=xa_officer, unit=tree.a, year=2025, women_18_plus=400)


def figure(content: str, code: str) -> str:
    """The value cell of an indicator's row."""
    row = content.split(f">{code}<", 1)[1].split("</tr>", 1)[0]
    return row.split('fw-semibold">', 1)[1].split("<", 1)[0].strip()


def test_figures_of_the_current_unit_for_a_period(
    client, tree, xa_officer, figures, django_assert_max_num_queries
):
    url = reverse("reporting:preview") + "?kind=quarter&year=2026&number=1"
    as_(client, xa_officer)
    with django_assert_max_num_queries(30):  # thirteen figures from one shared reading
        response = client.get(url)
    content = text(response)
    assert response.status_code == 200 and vi("Quarter %(n)s/%(year)d", n="I", year=2026) in content
    assert "15/12/2025" in content and "14/03/2026" in content  # the default cut-off day
    assert figure(content, "HV_TONG") == "2" and figure(content, "HV_MOI") == "2"
    assert figure(content, "HV_THU_HUT_TL") == "0,50%"  # 2 of 400, written the Vietnamese way
    assert figure(content, "HV_NONG_COT_TL") == "50,0%"
    assert figure(content, "HV_DTTS") == "1"  # her role may see ethnicity
    assert "GD_5K3S" not in content  # entered, not computed
    february = client.get(reverse("reporting:preview") + "?kind=month&year=2026&number=2")
    assert figure(text(february), "HV_TONG") == "1"  # 15/01–14/02: Một, not yet Hai
    assert figure(text(february), "HV_MOI") == "1"
    assert not Period.objects.exists()  # reading never stores a period


def test_sensitive_figures_only_for_roles_that_see_them(client, tree, figures):
    viewer = make_user("viewer_a", full_name="Đinh Thị Xem", role="viewer", unit=tree.a)
    content = text(as_(client, viewer).get(reverse("reporting:preview") + "?kind=year&year=2026"))
    assert figure(content, "HV_TONG") == "2"
    assert "HV_DTTS" not in content and "HV_TON_GIAO" not in content


def test_figures_of_a_unit_out_of_scope_are_not_found(client, tree, xa_officer_other, member):
    url = reverse("reporting:preview") + f"?unit={tree.a.pk}"
    assert as_(client, xa_officer_other).get(url).status_code == 404
    assert as_(client, member).get(reverse("reporting:preview")).status_code == 404


def test_an_impossible_period_is_explained(client, xa_officer):
    url = reverse("reporting:preview")
    content = text(as_(client, xa_officer).get(url + "?kind=quarter&year=2026&number=5"))
    with translation.override("vi"):
        kind = str(Period.Kind.QUARTER.label).lower()
    assert vi("A %(kind)s is numbered from 1 to %(n)d.", kind=kind, n=4) in content
    assert vi("Choose a year and a number.") in text(client.get(url + "?kind=month&year=năm"))


def test_deactivated_indicators_are_not_computed(client, superuser, xa_officer, library):
    from hoiso.reporting.services import indicator_update

    indicator_update(actor=superuser, indicator=library["HV_TONG"], data={"active": False})
    content = as_(client, xa_officer).get(reverse("reporting:preview")).content.decode()
    assert "HV_TONG" not in content and "HV_MOI" in content


def test_the_library_list_reads_a_fixed_number_of_queries(
    client, tree, tinh_admin, of_a, django_assert_max_num_queries
):
    for n in range(20):  # more indicators of units must not mean more queries
        indicator_create(actor=tinh_admin, unit=tree.a if n % 2 else tree.p,
                         data={**ENTERED, "code": f"X_{n}", "name": f"Chỉ tiêu {n}"})  # fmt: skip
    as_(client, tinh_admin)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reporting:indicator_list"))
    assert response.status_code == 200 and "X_19" in text(response)
