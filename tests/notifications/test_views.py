"""The inbox, opening a notification, marking read, preferences and the header's badge.
Every persona × view is also in tests/test_authorization_matrix.py."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from hoiso.notifications.models import DeliveryPreference, Notification
from hoiso.notifications.services import notify

pytestmark = pytest.mark.django_db

INBOX = "/thong-bao/"


def tell(user, title, url="/hoi-vien/", **extra):
    (note,) = notify(recipients=[user], kind="test", title=title, url=url, **extra)
    return note


def state(user=None) -> list[tuple]:
    qs = Notification.objects.order_by("pk")
    if user is not None:
        qs = qs.filter(recipient=user)
    return list(qs.values_list("pk", "recipient_id", "read_at", "title"))


def page_text(message: str) -> str:
    """A message as the page shows it: in the request's language, Vietnamese."""
    with translation.override("vi"):
        return translation.gettext(message)


@pytest.fixture
def signed_in(client, xa_officer):
    client.force_login(xa_officer)
    return client


def test_urls():
    assert reverse("notifications:inbox") == INBOX
    assert reverse("notifications:open", args=[7]) == "/thong-bao/7/"


class TestInbox:
    def test_lists_only_my_notifications(self, signed_in, xa_officer, xa_officer_other, english):
        tell(xa_officer, "Báo cáo quý IV cần nộp")
        tell(xa_officer_other, "Việc của xã Cái Khế")
        content = signed_in.get(INBOX).content.decode()
        assert "Báo cáo quý IV cần nộp" in content
        assert "Việc của xã Cái Khế" not in content

    def test_unread_first_or_newest_first(self, signed_in, xa_officer):
        old = tell(xa_officer, "Cũ chưa đọc")
        new = tell(xa_officer, "Mới đã đọc")
        Notification.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=2)
        )
        Notification.objects.filter(pk=new.pk).update(read_at=timezone.now())
        unread_first = [n.pk for n in signed_in.get(INBOX).context["page"]]
        newest_first = [n.pk for n in signed_in.get(INBOX + "?order=newest").context["page"]]
        assert unread_first == [old.pk, new.pk]
        assert newest_first == [new.pk, old.pk]
        assert signed_in.get(INBOX + "?order=<x>").context["order"] == "unread"

    def test_paginated(self, signed_in, xa_officer):
        for n in range(30):
            tell(xa_officer, f"Thông báo số {n}", email=False)
        first = signed_in.get(INBOX)
        assert len(first.context["page"]) == 25
        second = signed_in.get(INBOX + "?page=2")
        assert len(second.context["page"]) == 5

    def test_empty(self, signed_in, english):
        assert page_text("You have no notifications.") in signed_in.get(INBOX).content.decode()

    def test_anonymous_goes_to_sign_in(self, client):
        response = client.get(INBOX)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("account_login")
        )

    def test_query_count_does_not_grow_with_rows(self, signed_in, xa_officer, tree):
        for n in range(3):
            tell(xa_officer, f"Thông báo {n}", unit=tree.a, email=False)
        signed_in.get(INBOX)
        with CaptureQueriesContext(connection) as few:
            signed_in.get(INBOX)
        for n in range(20):
            tell(xa_officer, f"Thông báo thêm {n}", unit=tree.a2, email=False)
        with CaptureQueriesContext(connection) as many:
            signed_in.get(INBOX)
        assert len(many) == len(few)
        assert len(few) <= 12, [q["sql"] for q in few]


class TestOpen:
    def test_marks_read_and_follows_the_local_link(self, signed_in, xa_officer):
        note = tell(xa_officer, "Hội viên mới", url="/hoi-vien/?q=lan")
        response = signed_in.get(f"/thong-bao/{note.pk}/")
        assert response.status_code == 302 and response["Location"] == "/hoi-vien/?q=lan"
        note.refresh_from_db()
        assert note.read_at is not None
        read_at = note.read_at
        signed_in.get(f"/thong-bao/{note.pk}/")  # opening again keeps the first time
        note.refresh_from_db()
        assert note.read_at == read_at

    def test_without_link_goes_to_the_inbox(self, signed_in, xa_officer):
        note = tell(xa_officer, "Không có đường dẫn", url="")
        assert signed_in.get(f"/thong-bao/{note.pk}/")["Location"] == INBOX

    @pytest.mark.parametrize("url", ["//evil.example/x", "https://evil.example/", "/\\evil.example",
                                     "javascript:alert(1)", "http:/evil.example", "/\tevil"])  # fmt: skip
    def test_never_an_open_redirect(self, signed_in, xa_officer, url):
        with pytest.raises(ValueError):
            tell(xa_officer, "Lừa đảo", url=url)
        # even a row written some other way (an old row, the admin) is not followed
        note = Notification.objects.create(recipient=xa_officer, kind="test", title="x", url=url)
        response = signed_in.get(f"/thong-bao/{note.pk}/")
        assert response.status_code == 302 and response["Location"] == INBOX

    def test_someone_elses_is_404_and_stays_unread(self, signed_in, xa_officer_other, tinh_admin):
        theirs = [tell(xa_officer_other, "Của xã khác"), tell(tinh_admin, "Của tỉnh")]
        before = state()
        for note in theirs:
            assert signed_in.get(f"/thong-bao/{note.pk}/").status_code == 404
            assert signed_in.post(f"/thong-bao/{note.pk}/da-doc/").status_code == 404
        assert signed_in.get("/thong-bao/999999/").status_code == 404
        assert state() == before

    def test_a_superuser_does_not_read_others(self, client, superuser, xa_officer):
        note = tell(xa_officer, "Riêng tư")
        client.force_login(superuser)
        assert client.get(f"/thong-bao/{note.pk}/").status_code == 404
        assert "Riêng tư" not in client.get(INBOX).content.decode()


class TestMarkRead:
    def test_one(self, signed_in, xa_officer):
        note = tell(xa_officer, "Một")
        other = tell(xa_officer, "Hai")
        response = signed_in.post(
            f"/thong-bao/{note.pk}/da-doc/", {"next": INBOX + "?order=newest&page=1"}
        )
        assert response["Location"] == INBOX + "?order=newest&page=1"
        assert [r[2] is not None for r in state()] == [True, False]
        assert other.pk == state()[1][0]

    @pytest.mark.parametrize(
        "next_url", ["https://evil.example/thong-bao/", "//evil.example", "/hoi-vien/"]
    )
    def test_goes_back_to_the_inbox_only(self, signed_in, xa_officer, next_url):
        note = tell(xa_officer, "Một")
        assert (
            signed_in.post(f"/thong-bao/{note.pk}/da-doc/", {"next": next_url})["Location"] == INBOX
        )

    def test_get_is_refused(self, signed_in, xa_officer):
        note = tell(xa_officer, "Một")
        assert signed_in.get(f"/thong-bao/{note.pk}/da-doc/").status_code == 405
        assert state()[0][2] is None

    def test_all_mine_and_nobody_elses(self, signed_in, xa_officer, xa_officer_other, english):
        tell(xa_officer, "Một")
        tell(xa_officer, "Hai")
        tell(xa_officer_other, "Của xã khác")
        theirs = state(xa_officer_other)
        response = signed_in.post("/thong-bao/da-doc-het/", follow=True)
        assert page_text("All your notifications are marked as read.") in response.content.decode()
        assert all(r[2] is not None for r in state(xa_officer))
        assert state(xa_officer_other) == theirs


class TestPreferences:
    def test_default_is_immediate_and_the_choice_is_saved(self, signed_in, xa_officer, english):
        response = signed_in.get("/thong-bao/tuy-chon/")
        assert response.context["form"].initial["email_mode"] == "immediate"
        assert "xa_officer@hoiso.test" in response.content.decode()
        response = signed_in.post("/thong-bao/tuy-chon/", {"email_mode": "digest"}, follow=True)
        assert page_text("Your choice is saved.") in response.content.decode()
        assert DeliveryPreference.objects.get(user=xa_officer).email_mode == "digest"
        assert (
            signed_in.get("/thong-bao/tuy-chon/").context["form"].initial["email_mode"] == "digest"
        )

    def test_a_bad_choice_writes_nothing(self, signed_in, xa_officer):
        response = signed_in.post("/thong-bao/tuy-chon/", {"email_mode": "hourly"})
        assert response.status_code == 200 and response.context["form"].errors
        assert not DeliveryPreference.objects.exists()

    def test_in_vietnamese_on_a_phone_sized_page(self, signed_in):
        content = signed_in.get("/thong-bao/tuy-chon/").content.decode()
        assert 'name="viewport"' in content and 'class="form-check-input"' in content


class TestBadge:
    def render(self, user) -> str:
        return Template("{% load notifications %}{% notifications_badge %}").render(
            Context({"user": user})
        )

    def test_counts_my_unread_in_one_query(self, xa_officer, xa_officer_other):
        for n in range(3):
            tell(xa_officer, f"Thông báo {n}", email=False)
        tell(xa_officer_other, "Của xã khác", email=False)
        with CaptureQueriesContext(connection) as queries:
            html = self.render(xa_officer)
        assert len(queries) == 1
        assert ">3</span>" in html and INBOX in html

    def test_caps_at_99_plus(self, xa_officer):
        notify(recipients=[xa_officer], kind="test", title="x", email=False)
        Notification.objects.bulk_create(
            Notification(recipient=xa_officer, kind="test", title=f"x{n}") for n in range(120)
        )
        assert ">99+</span>" in self.render(xa_officer)

    def test_no_count_when_all_read_and_nothing_for_anonymous(self, xa_officer, anonymous):
        assert "badge" not in self.render(xa_officer)
        assert self.render(anonymous).strip() == ""

    def test_in_the_page_header(self, signed_in, xa_officer):
        tell(xa_officer, "Một", email=False)
        content = signed_in.get(reverse("accounts:security")).content.decode()
        header = content[content.index("<header") : content.index("</header>")]
        assert 'id="hs-notifications"' in header and ">1</span>" in header

    def test_the_header_costs_the_same_whatever_the_count(self, signed_in, xa_officer):
        url = reverse("accounts:security")
        signed_in.get(url)
        with CaptureQueriesContext(connection) as none:
            signed_in.get(url)
        for n in range(30):
            tell(xa_officer, f"Thông báo {n}", email=False)
        with CaptureQueriesContext(connection) as many:
            signed_in.get(url)
        assert len(many) == len(none)
