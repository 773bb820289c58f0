"""Member cards: a real PDF with the signed QR token, and the public check of that token."""

import pytest
from django.urls import reverse

from hoiso.core.models import AuditEntry
from hoiso.members.cards import card_token, cards_pdf, member_from_token
from hoiso.members.services import member_leave
from tests.helpers import today
from tests.members.helpers import admit

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanh(tree, xa_officer):
    return admit(xa_officer, tree.a1, full_name="Trương Thị Hạnh")


def test_token_round_trip_and_forgery(hanh):
    token = card_token(hanh)
    assert member_from_token(token) == hanh
    pk, signature = token.split(":", 1)
    assert member_from_token(f"{int(pk) + 1}:{signature}") is None  # another member's id
    assert member_from_token(token[:-2] + "xx") is None
    assert member_from_token("not-a-token") is None


def test_card_pdf_for_many_members(hanh, tree, xa_officer):
    others = [admit(xa_officer, tree.a2, full_name=f"Lê Thị Hoa {i}") for i in range(11)]
    pdf = cards_pdf(
        [hanh, *others], lambda m: f"https://hoiso.example/hoi-vien/xac-minh/{card_token(m)}/"
    )
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2


def test_card_view_is_a_pdf_and_is_logged(client, hanh, xa_officer):
    client.force_login(xa_officer)
    response = client.get(reverse("members:member_card", args=[hanh.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="member.cards", actor=xa_officer).count() == 1


def test_public_check_shows_only_name_unit_and_status(client, hanh, tree, xa_officer):
    url = reverse("members:member_verify", args=[card_token(hanh)])
    content = client.get(url).content.decode()
    assert "Trương Thị Hạnh" in content and tree.a1.name in content
    assert hanh.code not in content and "0912" not in content  # nothing else about her
    member_leave(actor=xa_officer, member=hanh, on=today(), reason="moved")
    later = client.get(url).content.decode()
    assert "Not an active member today" in later or "không còn" in later.lower()


def test_public_check_of_a_forged_token_is_not_found(client, hanh):
    token = card_token(hanh)
    assert client.get(reverse("members:member_verify", args=[token + "0"])).status_code == 404
