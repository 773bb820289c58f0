"""Exports of the member list: in scope only, sensitive columns only for allowed roles,
formula cells neutralised, constant-memory XLSX that reads back, every export logged."""

import pytest
from django.urls import reverse

from hoiso.core.models import AuditEntry
from hoiso.core.spreadsheets import read_table
from hoiso.members.exporting import neutralise
from tests.helpers import make_user
from tests.members.helpers import admit, make_cccd

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(tree, xa_officer, xa_officer_other):
    return {
        "lan": admit(xa_officer, tree.a1, full_name="Nguyễn Thị Thu Lan", phone="0912345678",
                     ethnicity="05", religion="buddhism", cccd=make_cccd()),
        "dao": admit(xa_officer, tree.a2, full_name="Trần Thị Đào", occupation="=HYPERLINK(\"http://x\")"),
        "mai": admit(xa_officer_other, tree.b1, full_name="Phạm Thị Mai"),
    }  # fmt: skip


def _csv(client, user, query="") -> str:
    client.force_login(user)
    response = client.get(reverse("members:member_export") + f"?format=csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("value", ["=1+1", "+84912", "-2", "@SUM(A1)", "\t=1"])
def test_formula_like_text_is_neutralised(value):
    assert neutralise(value) == "'" + value
    assert neutralise("Nguyễn Thị Lan") == "Nguyễn Thị Lan"
    assert neutralise(12) == 12


def test_csv_is_in_scope_with_sensitive_columns_for_the_commune_officer(
    client, members, xa_officer
):
    text = _csv(client, xa_officer)
    assert "Nguyễn Thị Thu Lan" in text and "Trần Thị Đào" in text
    assert "Phạm Thị Mai" not in text  # the sibling commune's member
    assert "Khmer" in text and "Phật giáo" in text  # ethnicity and religion columns
    assert "'=HYPERLINK" in text  # the formula is text now
    entry = AuditEntry.objects.get(action="member.export")
    assert (
        entry.actor == xa_officer
        and entry.details["rows"] == 2
        and entry.details["sensitive"] is True
    )


def test_branch_leader_gets_no_sensitive_columns(client, members, chi_hoi_leader):
    text = _csv(client, chi_hoi_leader)
    assert "Khmer" not in text and "Phật giáo" not in text
    assert AuditEntry.objects.get(action="member.export").details["sensitive"] is False


def test_filters_apply_to_the_export(client, members, xa_officer):
    text = _csv(client, xa_officer, "&q=dao")
    assert "Trần Thị Đào" in text and "Nguyễn Thị Thu Lan" not in text


def test_xlsx_reads_back(client, members, xa_officer):
    client.force_login(xa_officer)
    response = client.get(reverse("members:member_export") + "?format=xlsx")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    table = read_table(body, "export.xlsx")
    names = {row[1] for row in table.rows}
    assert names == {"Nguyễn Thị Thu Lan", "Trần Thị Đào"}
    assert table.headers[0] and len(table.headers) == len(table.rows[0])
    assert AuditEntry.objects.filter(action="member.export", details__format="xlsx").count() == 1


def test_viewer_cannot_export(client, members, tree):
    user = make_user("viewer_x", full_name="Đinh Thị Xem", role="viewer", unit=tree.a)
    client.force_login(user)
    assert client.get(reverse("members:member_export") + "?format=csv").status_code == 404
    assert not AuditEntry.objects.filter(action="member.export").exists()
