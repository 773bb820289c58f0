"""The studies services: drafting (files checked by content), publication (who must study),
the confirmation and the check (server-side scoring, forged ids, idempotent submits, limits,
the deadline), the officials' recording of members, and the reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hoiso.core.errors import ServiceError
from hoiso.notifications.models import Notification
from hoiso.studies import services
from hoiso.studies.models import Assignment, Attempt, Learner, Material
from hoiso.studies.services import Row, StudyError
from tests.studies.helpers import (
    data,
    key,
    make_material,
    pdf,
    right_answers,
    studies_snapshot,
    wrong_answers,
)

pytestmark = [pytest.mark.django_db, pytest.mark.portable]


def learner_of(material, user):
    return Learner.objects.get(material=material, user=user)


def member_learner(material, member):
    return Learner.objects.get(material=material, member=member)


class TestDraft:
    def test_a_pdf_is_kept(self, tinh_admin, tree):
        material = services.material_create(actor=tinh_admin, unit=tree.p, data=data(),
                                            upload=pdf())  # fmt: skip
        assert material.file_name == "nghi-quyet.pdf" and material.file_size == len(pdf().read())

    @pytest.mark.parametrize("upload, words", [
        (SimpleUploadedFile("nghi-quyet.pdf", b"MZ\x90\x00 not a pdf"), "not a real PDF"),
        (SimpleUploadedFile("nghi-quyet.docx", b"%PDF-1.4 a pdf named docx"), "not a real DOCX"),
        (SimpleUploadedFile("virus.exe", b"MZ"), "only PDF and Word"),
        (SimpleUploadedFile("rong.pdf", b""), "is empty"),
    ])  # fmt: skip
    def test_a_file_lying_about_its_type_writes_nothing(self, tinh_admin, tree, english, upload,
                                                        words):  # fmt: skip
        before = studies_snapshot()
        with pytest.raises(ServiceError, match=words):
            services.material_create(actor=tinh_admin, unit=tree.p, data=data(), upload=upload)
        assert studies_snapshot() == before

    def test_a_file_too_large_is_refused(self, tinh_admin, tree, settings, english):
        settings.HOISO_STUDY_MAX_BYTES = 10
        with pytest.raises(ServiceError, match="a file may be at most"):
            services.material_create(actor=tinh_admin, unit=tree.p, data=data(), upload=pdf())
        assert not Material.objects.exists()

    def test_outside_her_subtree(self, xa_officer_other, tree, english):
        with pytest.raises(StudyError, match="outside your own subtree"):
            services.material_create(actor=xa_officer_other, unit=tree.a, data=data())

    def test_a_branch_leader_may_not_issue(self, chi_hoi_leader, tree):
        with pytest.raises(StudyError):
            services.material_create(actor=chi_hoi_leader, unit=tree.a1, data=data(
                recipients_kind="group"))  # fmt: skip

    def test_chosen_units_must_be_below(self, xa_officer, tree, english):
        with pytest.raises(StudyError, match="below the issuing unit"):
            services.material_create(actor=xa_officer, unit=tree.a, data=data(
                recipients_mode="units", recipient_units=[tree.b1]))  # fmt: skip

    def test_someone_must_study_it(self, tinh_admin, tree, english):
        with pytest.raises(StudyError, match="officials, members or both"):
            services.material_create(actor=tinh_admin, unit=tree.p, data=data(
                for_officials=False, members="none"))  # fmt: skip

    @pytest.mark.parametrize("kind, options, words", [
        ("single", [("A", True), ("B", True)], "exactly one right option"),
        ("multiple", [("A", False), ("B", False)], "at least one right option"),
        ("single", [("A", True)], "from 2 to 8 options"),
        ("single", [("A", True), ("", False), ("  ", True)], "from 2 to 8 options"),
    ])  # fmt: skip
    def test_question_rules(self, tinh_admin, tree, english, kind, options, words):
        material = services.material_create(actor=tinh_admin, unit=tree.p, data=data())
        with pytest.raises(StudyError, match=words):
            services.question_add(actor=tinh_admin, material=material, text="Câu hỏi?",
                                  kind=kind, options=options)  # fmt: skip
        assert not material.questions.exists()


class TestPublish:
    def test_officials_and_members_resolved(self, material, tree, people, xa_officer,
                                            xa_officer_other, chi_hoi_leader, tinh_admin):  # fmt: skip
        officials = Learner.objects.filter(material=material, kind="official")
        assert {x.user_id for x in officials} == {xa_officer.pk, xa_officer_other.pk,
                                                  chi_hoi_leader.pk}  # fmt: skip
        assert learner_of(material, chi_hoi_leader).unit_id == tree.a1.pk
        members = Learner.objects.filter(material=material, kind="member")
        assert {x.member_id for x in members} == {m.pk for m in people.values()}
        assert member_learner(material, people["m1"]).unit_path == tree.a1a.path
        counts = dict(Assignment.objects.filter(material=material)
                      .values_list("unit_id", "learners_count"))  # fmt: skip
        assert counts == {tree.a.pk: 6, tree.b.pk: 3}
        assert material.status == "published" and material.has_check

    def test_officials_are_told_and_recorders_too(self, material, xa_officer, chi_hoi_leader):
        told = Notification.objects.filter(kind="study.assigned")
        assert set(told.values_list("recipient_id", flat=True)) >= {xa_officer.pk,
                                                                    chi_hoi_leader.pk}  # fmt: skip
        assert Notification.objects.filter(kind="study.record", recipient=xa_officer).exists()

    def test_core_members_only_and_roles(self, tinh_admin, tree, people, chi_hoi_leader):
        material = make_material(tinh_admin, tree.p, members="core",
                                 official_roles=["branch_leader"])  # fmt: skip
        rows = Learner.objects.filter(material=material)
        assert {(x.user_id, x.member_id) for x in rows} == {
            (chi_hoi_leader.pk, None),
            (None, people["m5"].pk),
        }

    def test_left_members_are_not_asked(self, tinh_admin, xa_officer, tree, people):
        from hoiso.members.services import member_leave

        member_leave(
            actor=xa_officer, member=people["m4"], on=datetime.date.today(), reason="moved"
        )
        material = make_material(tinh_admin, tree.p, for_officials=False)
        assert not Learner.objects.filter(material=material, member=people["m4"]).exists()

    def test_twice_refused_nobody_refused(self, material, tinh_admin, tree, english):
        with pytest.raises(StudyError, match="already been published"):
            services.material_publish(actor=tinh_admin, material=material)
        empty = make_material(tinh_admin, tree.p, publish=False, for_officials=False,
                              members="core", recipients_mode="units", recipient_units=[tree.a])  # fmt: skip
        before = studies_snapshot()
        with pytest.raises(StudyError, match="Nobody in the assigned units"):
            services.material_publish(actor=tinh_admin, material=empty)
        assert studies_snapshot() == before

    def test_without_text_or_file(self, tinh_admin, tree, people, english):
        draft = make_material(tinh_admin, tree.p, publish=False, body="")
        with pytest.raises(StudyError, match="Write the text"):
            services.material_publish(actor=tinh_admin, material=draft)

    def test_a_published_material_is_frozen(self, material, tinh_admin, english):
        with pytest.raises(StudyError, match="can no longer be changed"):
            services.material_update(actor=tinh_admin, material=material, data=data())
        with pytest.raises(StudyError, match="can no longer be changed"):
            services.question_add(actor=tinh_admin, material=material, text="?", kind="single",
                                  options=[("A", True), ("B", False)])  # fmt: skip


class TestCheck:
    def _studied(self, material, user):
        learner = learner_of(material, user)
        return services.learner_confirm(actor=user, learner=learner)

    def test_all_right_passes(self, material, xa_officer):
        learner = self._studied(material, xa_officer)
        attempt = services.check_submit(actor=xa_officer, learner=learner, key=key(),
                                        answers=right_answers(material))  # fmt: skip
        learner.refresh_from_db()
        assert (attempt.correct, attempt.total, attempt.score, attempt.passed) == (5, 5, 100, True)
        assert learner.passed and learner.best_score == 100 and learner.attempts == 1

    def test_the_best_attempt_counts(self, material, xa_officer):
        learner = self._studied(material, xa_officer)
        services.check_submit(
            actor=xa_officer, learner=learner, key=key(), answers=wrong_answers(material, 2)
        )  # 3/5 = 60%
        learner.refresh_from_db()
        assert (learner.best_score, learner.passed) == (60, False)
        services.check_submit(
            actor=xa_officer, learner=learner, key=key(), answers=wrong_answers(material, 1)
        )  # 4/5 = 80% = pass mark
        services.check_submit(
            actor=xa_officer, learner=learner, key=key(), answers=wrong_answers(material, 3)
        )  # 40%
        learner.refresh_from_db()
        assert (learner.best_score, learner.passed, learner.attempts) == (80, True, 3)

    def test_multiple_choice_needs_exactly_the_right_set(self, material, xa_officer):
        learner = self._studied(material, xa_officer)
        answers = right_answers(material)
        multiple = material.questions.get(kind="multiple")
        answers[str(multiple.pk)] = answers[str(multiple.pk)][:1]  # one of the two right ones
        attempt = services.check_submit(actor=xa_officer, learner=learner, key=key(),
                                        answers=answers)  # fmt: skip
        assert attempt.correct == 4

    def test_the_same_submit_twice_counts_once(self, material, xa_officer):
        learner = self._studied(material, xa_officer)
        once = key()
        first = services.check_submit(actor=xa_officer, learner=learner, key=once,
                                      answers=wrong_answers(material, 2))  # fmt: skip
        again = services.check_submit(actor=xa_officer, learner=learner, key=once,
                                      answers=right_answers(material))  # fmt: skip
        learner.refresh_from_db()
        assert again.pk == first.pk and learner.attempts == 1 and Attempt.objects.count() == 1
        assert learner.best_score == 60

    @pytest.mark.parametrize("forge, words", [
        ("question", "question that is not in this check"),
        ("option", "option that is not in this question"),
        ("text", "not valid"),
        ("two", "only one answer"),
        ("missing", "Answer every question"),
    ])  # fmt: skip
    def test_forged_answers_are_refused(self, material, xa_officer, tinh_admin, tree, english,
                                        forge, words):  # fmt: skip
        learner = self._studied(material, xa_officer)
        answers = right_answers(material)
        first, second = list(material.questions.all())[:2]
        if forge == "question":
            other = make_material(tinh_admin, tree.p, publish=False)
            answers[str(other.questions.first().pk)] = [
                str(other.questions.first().options.first().pk)
            ]
        elif forge == "option":  # an option of another question of the same check
            answers[str(first.pk)] = [str(second.options.first().pk)]
        elif forge == "text":
            answers[str(first.pk)] = ["1 OR 1=1"]
        elif forge == "two":
            answers[str(first.pk)] = [str(o.pk) for o in first.options.all()]
        else:
            del answers[str(first.pk)]
        before = studies_snapshot()
        with pytest.raises(StudyError, match=words):
            services.check_submit(actor=xa_officer, learner=learner, key=key(), answers=answers)
        assert studies_snapshot() == before

    def test_a_bad_key(self, material, xa_officer, english):
        learner = self._studied(material, xa_officer)
        with pytest.raises(StudyError, match="out of date"):
            services.check_submit(actor=xa_officer, learner=learner, key="x",
                                  answers=right_answers(material))  # fmt: skip

    def test_study_first_then_check(self, material, xa_officer, english):
        learner = learner_of(material, xa_officer)
        with pytest.raises(StudyError, match="Confirm that you have studied"):
            services.check_submit(actor=xa_officer, learner=learner, key=key(),
                                  answers=right_answers(material))  # fmt: skip

    def test_attempts_run_out(self, tinh_admin, tree, people, xa_officer, english):
        material = make_material(tinh_admin, tree.p, max_attempts=1)
        learner = self._studied(material, xa_officer)
        services.check_submit(actor=xa_officer, learner=learner, key=key(),
                              answers=wrong_answers(material, 3))  # fmt: skip
        with pytest.raises(StudyError, match="used all 1 attempts"):
            services.check_submit(actor=xa_officer, learner=learner, key=key(),
                                  answers=right_answers(material))  # fmt: skip

    def test_someone_else_cannot_answer_for_her(self, material, xa_officer, xa_officer_other,
                                                english):  # fmt: skip
        learner = self._studied(material, xa_officer)
        with pytest.raises(StudyError, match="not assigned to you"):
            services.check_submit(actor=xa_officer_other, learner=learner, key=key(),
                                  answers=right_answers(material))  # fmt: skip
        with pytest.raises(StudyError, match="not assigned to you"):
            services.learner_confirm(actor=xa_officer_other, learner=learner)

    def test_after_the_deadline_late_or_refused(self, tinh_admin, tree, people, xa_officer,
                                                xa_officer_other, english):  # fmt: skip
        allow = make_material(tinh_admin, tree.p)
        refuse = make_material(tinh_admin, tree.p, late_policy="refuse")
        past = datetime.date.today() - datetime.timedelta(days=1)
        Material.objects.filter(pk__in=[allow.pk, refuse.pk]).update(deadline=past)
        learner = self._studied(allow, xa_officer)
        assert learner.late
        services.check_submit(actor=xa_officer, learner=learner, key=key(),
                              answers=right_answers(allow))  # fmt: skip
        learner.refresh_from_db()
        assert learner.passed and learner.late
        with pytest.raises(StudyError, match="deadline .* has passed"):
            self._studied(refuse, xa_officer)
        assert learner_of(refuse, xa_officer).studied_at is None

    def test_closed(self, material, tinh_admin, xa_officer, english):
        services.material_close(actor=tinh_admin, material=material)
        with pytest.raises(StudyError, match="closed"):
            self._studied(material, xa_officer)


class TestRecording:
    def test_a_branch_leader_records_her_members(self, material, chi_hoi_leader, people):
        rows = [Row(member_learner(material, people["m1"]).pk, True, 90),
                Row(member_learner(material, people["m2"]).pk, True, None),
                Row(member_learner(material, people["m3"]).pk, False, None)]  # fmt: skip
        assert services.record_members(actor=chi_hoi_leader, material=material, rows=rows) == 2
        m1 = member_learner(material, people["m1"])
        assert m1.studied_at and m1.passed and m1.best_score == 90
        assert m1.recorded_by == chi_hoi_leader
        # the same list again changes nothing
        assert services.record_members(actor=chi_hoi_leader, material=material, rows=rows) == 0

    def test_a_score_alone_means_studied_and_below_the_mark_fails(self, material, xa_officer,
                                                                  people):  # fmt: skip
        row = Row(member_learner(material, people["m4"]).pk, False, 70)
        services.record_members(actor=xa_officer, material=material, rows=[row])
        m4 = member_learner(material, people["m4"])
        assert m4.studied_at is not None and not m4.passed and m4.best_score == 70

    def test_unticking_clears(self, material, xa_officer, people):
        pk = member_learner(material, people["m1"]).pk
        services.record_members(actor=xa_officer, material=material, rows=[Row(pk, True, 100)])
        services.record_members(actor=xa_officer, material=material, rows=[Row(pk, False, None)])
        m1 = member_learner(material, people["m1"])
        assert m1.studied_at is None and not m1.passed and m1.best_score is None

    def test_a_member_outside_her_branch_refuses_the_whole_list(self, material, chi_hoi_leader,
                                                                people, english):  # fmt: skip
        rows = [
            Row(member_learner(material, people["m1"]).pk, True, 90),
            Row(member_learner(material, people["m4"]).pk, True, 90),
        ]  # m4 is in branch a2
        before = studies_snapshot()
        with pytest.raises(StudyError, match="not one of your members"):
            services.record_members(actor=chi_hoi_leader, material=material, rows=rows)
        assert studies_snapshot() == before

    def test_an_official_is_not_recorded_by_others(self, material, xa_officer, english):
        official = learner_of(material, xa_officer)
        with pytest.raises(StudyError, match="not one of your members"):
            services.record_members(actor=xa_officer, material=material,
                                    rows=[Row(official.pk, True, None)])  # fmt: skip

    def test_a_bad_score_writes_nothing(self, material, xa_officer, people, english):
        rows = [
            Row(member_learner(material, people["m1"]).pk, True, 90),
            Row(member_learner(material, people["m2"]).pk, True, 101),
        ]
        before = studies_snapshot()
        with pytest.raises(StudyError, match="Trần Thị Hai: a score is from 0 to 100"):
            services.record_members(actor=xa_officer, material=material, rows=rows)
        assert studies_snapshot() == before

    def test_closed_refuses(self, material, tinh_admin, xa_officer, people, english):
        services.material_close(actor=tinh_admin, material=material)
        with pytest.raises(StudyError, match="closed"):
            services.record_members(actor=xa_officer, material=material, rows=[
                Row(member_learner(material, people["m1"]).pk, True, None)])  # fmt: skip


class TestReminders:
    def test_once_a_day(self, material, xa_officer, chi_hoi_leader, xa_officer_other, people):
        services.learner_confirm(actor=xa_officer, learner=learner_of(material, xa_officer))
        services.check_submit(actor=xa_officer, learner=learner_of(material, xa_officer),
                              key=key(), answers=right_answers(material))  # fmt: skip
        today = material.deadline - datetime.timedelta(days=2)
        assert services.remind_due(days=1, today=today) == 0  # not due within a day
        told = services.remind_due(days=3, today=today)
        reminders = Notification.objects.filter(kind="study.reminder")
        recipients = set(reminders.values_list("recipient_id", flat=True))
        assert chi_hoi_leader.pk in recipients and xa_officer_other.pk in recipients
        # xa_officer passed herself, but commune A's members are not recorded: told as recorder
        assert reminders.filter(recipient=xa_officer, url__contains="ghi-nhan").exists()
        assert not reminders.filter(recipient=xa_officer, url__endswith="/hoc/").exists()
        assert told == reminders.count()
        assert services.remind_due(days=3, today=today) == 0

    def test_the_command(self, material):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("studies_remind", "--days", "30", stdout=out)
        assert "reminded" in out.getvalue()
        assert Notification.objects.filter(kind="study.reminder").exists()
