"""Mail of notifications, delivered to a real SMTP server on loopback (aiosmtpd): at once,
after the server was down (queued, retried with backoff, sent once), refused for good,
and the daily digest."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from hoiso.notifications import services
from hoiso.notifications.models import DeliveryPreference, Notification, OutgoingMail
from hoiso.notifications.services import digest_send, mail_send_due, notify, preference_set
from tests.helpers import make_user

pytestmark = pytest.mark.django_db

Status = OutgoingMail.Status
Mode = DeliveryPreference.Mode


def tell(users, title="Báo cáo quý IV cần nộp", **extra):
    return notify(recipients=users, kind="report.requested", title=title,
                  body=extra.pop("body", "Hạn nộp: 15/12/2026."), url=extra.pop("url", "/hoi-vien/"),
                  **extra)  # fmt: skip


def later(minutes: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


class TestImmediate:
    def test_the_mail_arrives_with_subject_body_and_recipient(self, smtp, xa_officer, tree):
        (note,) = tell([xa_officer], unit=tree.a)
        assert mail_send_due().sent == 1

        (got,) = smtp.received
        assert got.rcpt_tos == ["xa_officer@hoiso.test"]
        assert got.message["to"] == "xa_officer@hoiso.test"
        assert got.mail_from == "khongtraloi@hoiso.test"
        assert got.subject == "[HộiSố] Báo cáo quý IV cần nộp"
        link = f"https://hoiso.example.vn/thong-bao/{note.pk}/"
        with translation.override("vi"):
            greeting = _("Hello %(name)s,") % {"name": "Nguyễn Thị Lan"}
        for body in (got.text, got.html):
            assert greeting in body
            assert "Báo cáo quý IV cần nộp" in body
            assert "Hạn nộp: 15/12/2026." in body
            assert "Hội LHPN phường Ninh Kiều" in body
            assert link in body
        assert "https://hoiso.example.vn/thong-bao/tuy-chon/" in got.text
        mail = OutgoingMail.objects.get()
        assert (mail.status, mail.attempts, mail.last_error) == (Status.SENT, 1, "")
        assert mail.sent_at is not None
        assert got.message["message-id"] == f"<hoiso-mail-{mail.pk}@hoiso.example.vn>"
        assert got.message["auto-submitted"] == "auto-generated"
        note.refresh_from_db()
        assert note.mail == mail and not note.awaiting_digest

    def test_hostile_text_is_escaped_in_html_and_kept_on_one_subject_line(self, smtp, xa_officer):
        tell(
            [xa_officer],
            title="<script>alert(1)</script>\r\nBcc: x@evil.example",
            body="<b>đậm</b>",
        )
        mail_send_due()
        (got,) = smtp.received
        assert got.subject == "[HộiSố] <script>alert(1)</script> Bcc: x@evil.example"
        assert got.rcpt_tos == ["xa_officer@hoiso.test"]
        assert "<script>" not in got.html and "&lt;script&gt;" in got.html
        assert "<b>đậm</b>" not in got.html and "&lt;b&gt;đậm&lt;/b&gt;" in got.html
        assert "<b>đậm</b>" in got.text

    def test_one_notification_and_mail_per_person(self, smtp, xa_officer, chi_hoi_leader):
        tell([xa_officer, chi_hoi_leader, xa_officer])
        assert Notification.objects.count() == 2
        assert mail_send_due().sent == 2
        assert sorted(r for got in smtp.received for r in got.rcpt_tos) == [
            "chi_hoi_leader@hoiso.test", "xa_officer@hoiso.test"]  # fmt: skip


@pytest.mark.django_db(transaction=True)
class TestThroughTheWorker:
    """As in production: notify in a transaction, the task queued after the commit, the
    worker (`manage.py db_worker --batch`) sends."""

    def run_worker(self):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    def test_sent_by_the_task_after_commit(self, smtp, xa_officer):
        from django.db import transaction

        with transaction.atomic():
            tell([xa_officer])
            assert not DBTaskResult.objects.exists()  # never inside the transaction
        assert DBTaskResult.objects.count() == 1
        self.run_worker()
        assert [got.subject for got in smtp.received] == ["[HộiSố] Báo cáo quý IV cần nộp"]
        assert OutgoingMail.objects.get().status == Status.SENT

    def test_a_rolled_back_notify_leaves_nothing(self, smtp, xa_officer):
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            tell([xa_officer])
            raise RuntimeError("the caller's write failed")
        assert not Notification.objects.exists()
        assert not OutgoingMail.objects.exists()
        assert not DBTaskResult.objects.exists()
        self.run_worker()
        assert smtp.received == []

    def test_server_down_the_task_queues_its_retry(self, mail_server, xa_officer):
        tell([xa_officer])
        self.run_worker()
        mail = OutgoingMail.objects.get()
        assert mail.status == Status.QUEUED and mail.attempts == 1
        retry = DBTaskResult.objects.get(status="READY")  # the first one ran; its retry waits
        assert abs(retry.run_after - mail.next_attempt_at) < datetime.timedelta(seconds=1)
        self.run_worker()  # not due yet: the worker leaves it
        assert OutgoingMail.objects.get().attempts == 1


class TestServerDown:
    def test_mail_stays_queued_with_the_error_and_is_sent_once_later(self, mail_server, xa_officer):
        (note,) = tell([xa_officer])
        before = timezone.now()
        result = mail_send_due()
        assert (result.sent, result.retrying, result.failed) == (0, 1, 0)

        mail = OutgoingMail.objects.get()
        assert mail.status == Status.QUEUED
        assert mail.attempts == 1
        assert "ConnectionRefusedError" in mail.last_error
        assert before + datetime.timedelta(seconds=55) < mail.next_attempt_at < later(1.1)
        assert Notification.objects.get() == note  # the notification itself is there

        # not due yet: nothing tried, whether the server is up or not
        mail_server.start()
        assert mail_send_due().sent == 0
        assert OutgoingMail.objects.get().attempts == 1

        assert mail_send_due(now=later(2)).sent == 1
        assert mail_send_due(now=later(600)).sent == 0
        assert len(mail_server.received) == 1
        mail.refresh_from_db()
        assert (mail.status, mail.attempts, mail.last_error) == (Status.SENT, 2, "")

    def test_the_other_mails_wait_untried_and_all_go_once_later(self, mail_server, tinh_admin,
                                                                xa_officer, chi_hoi_leader):  # fmt: skip
        tell([tinh_admin, xa_officer, chi_hoi_leader])
        assert mail_send_due().retrying == 3
        rows = list(
            OutgoingMail.objects.order_by("pk").values_list("status", "attempts", "last_error")
        )
        assert [r[:2] for r in rows] == [(Status.QUEUED, 1), (Status.QUEUED, 0), (Status.QUEUED, 0)]
        assert all("ConnectionRefusedError" in r[2] for r in rows)
        assert len(set(OutgoingMail.objects.values_list("next_attempt_at", flat=True))) == 1

        mail_server.start()
        assert mail_send_due(now=later(2)).sent == 3
        assert mail_send_due(now=later(3)).sent == 0
        assert sorted(r for got in mail_server.received for r in got.rcpt_tos) == [
            "chi_hoi_leader@hoiso.test", "tinh_admin@hoiso.test", "xa_officer@hoiso.test"]  # fmt: skip

    def test_backoff_doubles_then_gives_up_and_can_be_queued_again(self, mail_server, xa_officer):
        tell([xa_officer])
        waits = []
        now = timezone.now()
        for _attempt in range(services.MAX_ATTEMPTS):
            assert mail_send_due(now=now).sent == 0
            mail = OutgoingMail.objects.get()
            waits.append(mail.next_attempt_at - now)
            # one second before it is due: not tried
            mail_send_due(now=mail.next_attempt_at - datetime.timedelta(seconds=1))
            assert OutgoingMail.objects.get().attempts == mail.attempts
            now = mail.next_attempt_at
        minutes = [round(w.total_seconds() / 60) for w in waits]
        assert minutes[:6] == [1, 2, 4, 8, 16, 32]
        assert max(minutes) == 360 and minutes[-1] == 360
        assert sorted(minutes) == minutes
        mail = OutgoingMail.objects.get()
        assert (mail.status, mail.attempts) == (Status.FAILED, services.MAX_ATTEMPTS)
        assert mail_send_due(now=now + datetime.timedelta(days=30)).sent == 0  # given up

        mail_server.start()
        call_command("notifications_send", "--retry-failed", stdout=io.StringIO())
        assert len(mail_server.received) == 1
        assert OutgoingMail.objects.get().status == Status.SENT

    def test_two_workers_never_take_the_same_mail(self, smtp, xa_officer):
        tell([xa_officer])
        mail = OutgoingMail.objects.get()
        now = timezone.now()
        assert services._claim(mail.pk, now) is not None
        assert services._claim(mail.pk, now) is None
        assert mail_send_due(now=now).sent == 0  # held by the first worker's lease
        # the first worker died mid-send: after its lease the mail is due again
        assert mail_send_due(now=now + services.SENDING_LEASE).sent == 1
        assert len(smtp.received) == 1


def test_an_address_refused_for_good_fails_at_once_and_the_rest_go(smtp, xa_officer, tree):
    nobody = make_user("nobody", full_name="Không Ai", totp=False)
    tell([nobody, xa_officer])
    result = mail_send_due()
    assert (result.sent, result.retrying, result.failed) == (1, 0, 1)
    failed = OutgoingMail.objects.get(to_address="nobody@hoiso.test")
    assert failed.status == Status.FAILED and "550" in failed.last_error
    assert [got.rcpt_tos for got in smtp.received] == [["xa_officer@hoiso.test"]]


def test_a_broken_message_fails_alone_and_the_rest_go(smtp, xa_officer, chi_hoi_leader):
    tell([xa_officer, chi_hoi_leader])
    broken = OutgoingMail.objects.get(to_address="xa_officer@hoiso.test")
    OutgoingMail.objects.filter(pk=broken.pk).update(
        to_address="xa@hoiso.test\nBcc: x@evil.example"
    )
    result = mail_send_due()
    assert (result.sent, result.retrying, result.failed) == (1, 0, 1)
    broken.refresh_from_db()
    assert broken.status == Status.FAILED and broken.last_error
    assert [got.rcpt_tos for got in smtp.received] == [["chi_hoi_leader@hoiso.test"]]
    assert mail_send_due(now=later(600)).sent == 0  # not retried in a loop


class TestPreferences:
    def test_no_email_and_email_false_and_no_address_send_nothing(self, smtp, xa_officer,
                                                                  chi_hoi_leader, tinh_admin):  # fmt: skip
        preference_set(user=xa_officer, email_mode=Mode.NONE)
        tinh_admin.email = ""
        tinh_admin.save()
        tell([xa_officer, tinh_admin])
        tell([chi_hoi_leader], email=False)
        assert Notification.objects.count() == 3
        assert not Notification.objects.filter(awaiting_digest=True).exists()
        assert not OutgoingMail.objects.exists()
        mail_send_due()
        digest_send()
        assert smtp.received == []

    def test_an_inactive_account_gets_no_mail(self, smtp, chi_hoi_leader):
        chi_hoi_leader.is_active = False
        chi_hoi_leader.save()
        tell([chi_hoi_leader])
        assert not OutgoingMail.objects.exists()

    def test_digest_users_get_no_immediate_mail(self, smtp, xa_officer, chi_hoi_leader):
        preference_set(user=xa_officer, email_mode=Mode.DIGEST)
        tell([xa_officer, chi_hoi_leader])
        mail_send_due()
        assert [got.rcpt_tos for got in smtp.received] == [["chi_hoi_leader@hoiso.test"]]
        assert Notification.objects.get(recipient=xa_officer).awaiting_digest


class TestDigest:
    def test_groups_the_unread_notifications_into_one_mail(
        self, smtp, xa_officer, chi_hoi_leader, tree
    ):
        preference_set(user=xa_officer, email_mode=Mode.DIGEST)
        preference_set(user=chi_hoi_leader, email_mode=Mode.DIGEST)
        (first,) = tell([xa_officer], title="Báo cáo quý IV cần nộp", unit=tree.a)
        (seen,) = tell([xa_officer], title="Văn bản đã đọc rồi")
        (third,) = tell([xa_officer], title="Nhắc hạn: còn 3 ngày", body="Còn 3 ngày nữa.")
        tell([chi_hoi_leader], title="Chi hội có văn bản mới")
        services.notification_mark_read(user=xa_officer, notification=seen)

        assert digest_send() == 2
        assert digest_send() == 0  # a notification goes into one digest only
        assert mail_send_due().sent == 2

        got = {r.rcpt_tos[0]: r for r in smtp.received}
        mine = got["xa_officer@hoiso.test"]
        day = timezone.localdate().strftime("%d/%m/%Y")
        with translation.override("vi"):
            subject = _("Your notifications of %(day)s") % {"day": day}
        assert mine.subject == f"[HộiSố] {subject} (2)"
        for body in (mine.text, mine.html):
            assert "Báo cáo quý IV cần nộp" in body and "Nhắc hạn: còn 3 ngày" in body
            assert "Văn bản đã đọc rồi" not in body
            assert "Chi hội có văn bản mới" not in body
            assert f"https://hoiso.example.vn/thong-bao/{first.pk}/" in body
            assert f"https://hoiso.example.vn/thong-bao/{third.pk}/" in body
        assert mine.text.index("Báo cáo quý IV") < mine.text.index("Nhắc hạn")  # oldest first
        assert "Chi hội có văn bản mới" in got["chi_hoi_leader@hoiso.test"].text
        digest = OutgoingMail.objects.get(to_address="xa_officer@hoiso.test")
        assert digest.kind == OutgoingMail.Kind.DIGEST
        assert set(Notification.objects.filter(mail=digest)) == {first, third}
        assert not Notification.objects.filter(awaiting_digest=True).exists()

    def test_everything_read_means_no_digest(self, smtp, xa_officer):
        preference_set(user=xa_officer, email_mode=Mode.DIGEST)
        tell([xa_officer])
        services.notifications_mark_all_read(user=xa_officer)
        assert digest_send() == 0
        assert not Notification.objects.filter(awaiting_digest=True).exists()

    def test_switching_to_no_email_drops_what_waited(self, smtp, xa_officer):
        preference_set(user=xa_officer, email_mode=Mode.DIGEST)
        tell([xa_officer])
        preference_set(user=xa_officer, email_mode=Mode.NONE)
        assert digest_send() == 0

    def test_the_command_queues_sends_and_deletes_old_sent_mail(self, smtp, xa_officer):
        tell([xa_officer])
        mail_send_due()
        OutgoingMail.objects.update(sent_at=timezone.now() - datetime.timedelta(days=31))
        old_note = Notification.objects.get()
        preference_set(user=xa_officer, email_mode=Mode.DIGEST)
        tell([xa_officer], title="Nhắc hạn")
        out = io.StringIO()
        call_command("notifications_digest", stdout=out)
        assert "1 digest(s) queued; 1 sent" in out.getvalue()
        assert "1 old sent mail(s) deleted" in out.getvalue()
        assert len(smtp.received) == 2
        assert OutgoingMail.objects.get().kind == OutgoingMail.Kind.DIGEST
        old_note.refresh_from_db()
        assert old_note.mail is None  # the notification stays, without its old mail

    def test_server_down_the_digest_waits_in_the_queue(self, mail_server, xa_officer):
        preference_set(user=xa_officer, email_mode=Mode.DIGEST)
        tell([xa_officer])
        call_command("notifications_digest", stdout=io.StringIO())
        mail = OutgoingMail.objects.get()
        assert mail.status == Status.QUEUED and mail.attempts == 1 and mail.last_error
        mail_server.start()
        assert mail_send_due(now=later(2)).sent == 1
        assert len(mail_server.received) == 1


def test_production_warns_when_links_would_point_at_loopback(settings):
    from hoiso.notifications.apps import check_site_url

    settings.PRODUCTION = True
    settings.HOISO_SITE_URL = "http://127.0.0.1:8000"
    assert [w.id for w in check_site_url()] == ["notifications.W001"]
    settings.HOISO_SITE_URL = "https://hoiso.example.vn"
    assert check_site_url() == []


def test_notify_costs_the_same_for_one_or_many_recipients(
    personas, tree, django_assert_num_queries
):
    unit = tree.a
    users = [u for u in personas.values() if u.is_authenticated]
    # preferences, notifications, mails, the mails' links back (+ savepoint and release)
    for group in (users[:1], users):
        with django_assert_num_queries(6):
            notify(recipients=group, kind="test", title="x", url="/", unit=unit)
    assert OutgoingMail.objects.count() == 1 + len(users)
