"""Report requests and submissions through the services: the whole journey of issue 4
(issue → fill → submit → return → fix → resubmit → accept → roll-up), bad input refused with
nothing written, versions that never change, files checked by content, reminders sent once."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hoiso.core.errors import ServiceError
from hoiso.core.models import AuditEntry
from hoiso.members.services import member_admit
from hoiso.notifications.models import Notification
from hoiso.reporting import services
from hoiso.reporting.models import (
    Attachment,
    Reminder,
    ReportTemplate,
    Submission,
    SubmissionVersion,
    VersionImmutable,
)  # fmt: skip
from tests.reporting.helpers import office_bytes, pdf_bytes, quarter_now, submissions_snapshot

pytestmark = pytest.mark.usefixtures("english")

TODAY = datetime.date.today()
NARRATIVE = {"results": "Kết nạp 12 hội viên mới.", "shortcomings": "", "tasks": "Tiếp tục vận động.",
             "proposals": ""}  # fmt: skip


def _issue(actor, unit, template, kind="commune", deadline=None):
    year, number = quarter_now()
    return services.request_issue(actor=actor, unit=unit, template=template, kind="quarter",
                                  year=year, number=number, recipient_kind=kind,
                                  deadline=deadline or TODAY + datetime.timedelta(days=10))  # fmt: skip


def _members(tree, actor, n=3, unit=None):
    for k in range(n):
        member_admit(actor=actor, unit=unit or tree.a1,
                     data={"full_name": f"Nguyễn Thị Hoa {k}", "date_of_birth": datetime.date(1990, 1, 1 + k)})  # fmt: skip


@pytest.fixture
def issued(tree, tinh_admin, xa_officer, xa_officer_other, report_templates):
    _members(tree, xa_officer)
    return _issue(tinh_admin, tree.p, report_templates["quarterly"])


def _sub(request, unit):
    return Submission.objects.get(request=request, unit=unit)


@pytest.mark.django_db
def test_the_journey_of_a_quarterly_report(tree, issued, tinh_admin, xa_officer, xa_officer_other):
    # Issued to every commune of the province, each told.
    subs = {s.unit_id: s for s in issued.submissions.all()}
    assert set(subs) == {tree.a.pk, tree.b.pk}
    assert all(s.status == Submission.Status.DRAFT for s in subs.values())
    assert Notification.objects.filter(recipient=xa_officer, kind="report.requested").count() == 1
    assert (
        Notification.objects.filter(recipient=xa_officer_other, kind="report.requested").count()
        == 1
    )
    sub = subs[tree.a.pk]
    # The commune's figures are computed for it.
    indicators = issued.template.ordered_indicators()
    filled = services.prefilled(sub, indicators)
    assert filled["HV_TONG"].value == 3
    # It writes and submits.
    typed = {"TC_MO_HINH": {"value": "4"}, "GD_5K3S": {"value": "1.250"}}
    services.submission_submit(actor=xa_officer, submission=sub, values=typed, narrative=NARRATIVE)
    sub.refresh_from_db()
    assert sub.status == Submission.Status.SUBMITTED and sub.on_time is True
    v1 = sub.versions.get()
    assert v1.values["HV_TONG"]["computed"]["value"] == "3"
    assert v1.values["GD_5K3S"]["entered"]["value"] == "1250"
    assert v1.narrative["results"] == NARRATIVE["results"]
    assert Notification.objects.filter(recipient=tinh_admin, kind="report.submitted").count() == 1
    # The province returns it with a comment.
    services.submission_return(actor=tinh_admin, submission=sub, comment="Bổ sung số mô hình.")
    sub.refresh_from_db()
    v1.refresh_from_db()
    assert sub.status == Submission.Status.RETURNED
    assert (v1.decision, v1.comment, v1.decided_by) == (
        "returned",
        "Bổ sung số mô hình.",
        tinh_admin,
    )
    assert Notification.objects.filter(recipient=xa_officer, kind="report.returned").count() == 1
    # The commune fixes and resubmits; the first version is kept as it was.
    typed["TC_MO_HINH"] = {"value": "6"}
    services.submission_submit(actor=xa_officer, submission=sub, values=typed, narrative=NARRATIVE)
    assert [
        v.values["TC_MO_HINH"]["entered"]["value"] for v in sub.versions.order_by("number")
    ] == ["4", "6"]
    # Accepted: it joins the province's roll-up; the other commune is missing.
    services.submission_accept(actor=tinh_admin, submission=sub)
    sub.refresh_from_db()
    assert sub.status == Submission.Status.ACCEPTED
    from hoiso.reporting.selectors import overview

    data = overview(request=issued)
    assert data["rolled"]["TC_MO_HINH"].value == 6
    assert data["rolled"]["HV_TONG"].value == 3
    assert data["accepted"] == 1
    assert [s.unit_id for s in data["waiting"]] == [tree.b.pk]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"report_request.issue", "submission.submit", "submission.return",
            "submission.accept"} <= actions  # fmt: skip


@pytest.mark.django_db
def test_ratios_roll_up_weighted(tree, issued, tinh_admin, xa_officer, xa_officer_other):
    a, b = _sub(issued, tree.a), _sub(issued, tree.b)
    services.submission_submit(actor=xa_officer, submission=a, narrative=NARRATIVE,
                               values={"TD_NO_QUA_HAN_TL": {"numerator": "1", "denominator": "100"}})  # fmt: skip
    services.submission_submit(actor=xa_officer_other, submission=b, narrative=NARRATIVE,
                               values={"TD_NO_QUA_HAN_TL": {"numerator": "9", "denominator": "900"}})  # fmt: skip
    services.submission_accept(actor=tinh_admin, submission=a)
    services.submission_accept(actor=tinh_admin, submission=b)
    from hoiso.reporting.figures import rolled_up

    figure = rolled_up(issued, issued.template.ordered_indicators())["TD_NO_QUA_HAN_TL"]
    assert (figure.numerator, figure.denominator, str(figure.value)) == (10, 1000, "1.00")


@pytest.mark.django_db
@pytest.mark.parametrize("values, message", [
    ({"TD_NO_QUA_HAN_TL": {"numerator": "120", "denominator": "100"}}, "cannot be larger than the whole"),
    ({"TT_LUOT": {"value": "-5"}}, "cannot be negative"),
    ({"TT_LUOT": {"value": "mười"}}, "is not a number"),
    ({"TT_LUOT": {"value": "12,5"}}, "whole number"),
    ({"TD_NO_QUA_HAN_TL": {"numerator": "3"}}, "enter both the part and the whole"),
    ({"HV_TONG": {"value": "99"}}, "say why the figure differs"),
])  # fmt: skip
def test_bad_figures_are_refused_and_nothing_is_written(issued, tree, xa_officer, values, message):
    sub = _sub(issued, tree.a)
    before = submissions_snapshot()
    for write in (services.submission_save, services.submission_submit):
        with pytest.raises(ServiceError, match=message):
            write(actor=xa_officer, submission=sub, values={"TT_BUOI": {"value": "3"}, **values},
                  narrative=NARRATIVE, uploads=[SimpleUploadedFile("bao-cao.pdf", pdf_bytes())])  # fmt: skip
    assert submissions_snapshot() == before


@pytest.mark.django_db
def test_an_override_with_its_reason_is_kept_beside_the_computed_figure(issued, tree, xa_officer):
    sub = _sub(issued, tree.a)
    services.submission_save(actor=xa_officer, submission=sub, narrative=NARRATIVE,
                             values={"HV_TONG": {"value": "4", "reason": "Một hội viên chưa nhập."}})  # fmt: skip
    sub.refresh_from_db()
    assert sub.values["HV_TONG"] == {"computed": {"value": "3", "numerator": None, "denominator": None},
                                     "entered": {"value": "4", "numerator": None, "denominator": None},
                                     "reason": "Một hội viên chưa nhập."}  # fmt: skip
    # Typing the computed figure again is no override: no reason needed.
    services.submission_save(actor=xa_officer, submission=sub, narrative=NARRATIVE,
                             values={"HV_TONG": {"value": "3"}})  # fmt: skip
    sub.refresh_from_db()
    assert sub.values["HV_TONG"]["entered"] is None


@pytest.mark.django_db
def test_a_closed_request_takes_no_more_reports(issued, tree, tinh_admin, xa_officer):
    services.request_close(actor=tinh_admin, request=issued)
    sub = _sub(issued, tree.a)
    with pytest.raises(ServiceError, match="has been closed"):
        services.submission_submit(actor=xa_officer, submission=sub, values={}, narrative=NARRATIVE)
    assert not SubmissionVersion.objects.exists()


@pytest.mark.django_db
def test_after_the_deadline_a_report_is_taken_and_marked_late(issued, tree, xa_officer):
    type(issued).objects.filter(pk=issued.pk).update(deadline=TODAY - datetime.timedelta(days=1))
    sub = _sub(issued, tree.a)
    services.submission_submit(actor=xa_officer, submission=sub, values={}, narrative=NARRATIVE)
    sub.refresh_from_db()
    assert sub.on_time is False and sub.versions.get().late is True
    from hoiso.reporting.selectors import overview

    issued.refresh_from_db()
    data = overview(request=issued)
    assert {s.unit_id for s in data["late"]} == {tree.a.pk, tree.b.pk}  # late, and missing past due
    rates = {s.unit_id: s.rate for s in data["submissions"]}
    assert rates == {tree.a.pk: 0, tree.b.pk: 0}


@pytest.mark.django_db
def test_on_time_rate_over_several_requests(tree, report_templates, tinh_admin, xa_officer):
    first = _issue(tinh_admin, tree.p, report_templates["quarterly"])
    services.submission_submit(actor=xa_officer, submission=_sub(first, tree.a), values={},
                               narrative=NARRATIVE)  # fmt: skip
    second = _issue(tinh_admin, tree.p, report_templates["yearly"])
    type(second).objects.filter(pk=second.pk).update(deadline=TODAY - datetime.timedelta(days=1))
    services.submission_submit(actor=xa_officer, submission=_sub(second, tree.a), values={},
                               narrative=NARRATIVE)  # fmt: skip
    from hoiso.reporting.selectors import overview

    second.refresh_from_db()
    rows = {s.unit_id: s for s in overview(request=second)["submissions"]}
    assert rows[tree.a.pk].rate == 50
    assert rows[tree.a.pk].marks == ["on_time", "late"]
    assert rows[tree.b.pk].marks == ["open", "missing"]


@pytest.mark.django_db
def test_only_the_issuing_side_decides_and_a_return_needs_a_comment(
    issued, tree, tinh_admin, xa_officer
):
    sub = _sub(issued, tree.a)
    with pytest.raises(ServiceError, match="Only a submitted report"):
        services.submission_accept(actor=tinh_admin, submission=sub)
    services.submission_submit(actor=xa_officer, submission=sub, values={}, narrative=NARRATIVE)
    with pytest.raises(ServiceError, match="Only the unit that asked"):
        services.submission_accept(actor=xa_officer, submission=sub)
    with pytest.raises(ServiceError, match="Say what must be corrected"):
        services.submission_return(actor=tinh_admin, submission=sub, comment="  ")
    with pytest.raises(ServiceError, match="can no longer be changed"):
        services.submission_save(actor=xa_officer, submission=sub, values={}, narrative=NARRATIVE)
    sub.refresh_from_db()
    assert sub.status == Submission.Status.SUBMITTED


@pytest.mark.django_db
def test_the_sibling_commune_cannot_write_another_communes_report(issued, tree, xa_officer_other):
    before = submissions_snapshot()
    with pytest.raises(ServiceError):
        services.submission_submit(actor=xa_officer_other, submission=_sub(issued, tree.a), values={},
                                   narrative=NARRATIVE)  # fmt: skip
    assert submissions_snapshot() == before


@pytest.mark.django_db
def test_results_are_required_to_submit(issued, tree, xa_officer):
    with pytest.raises(ServiceError, match="Write the results"):
        services.submission_submit(actor=xa_officer, submission=_sub(issued, tree.a), values={},
                                   narrative={**NARRATIVE, "results": "   "})  # fmt: skip
    assert not SubmissionVersion.objects.exists()


@pytest.mark.django_db
def test_a_version_never_changes(issued, tree, xa_officer):
    sub = _sub(issued, tree.a)
    services.submission_submit(actor=xa_officer, submission=sub, values={}, narrative=NARRATIVE)
    version = sub.versions.get()
    version.comment = "sửa lén"
    with pytest.raises(VersionImmutable):
        version.save()
    with pytest.raises(VersionImmutable):
        version.delete()


@pytest.mark.django_db
def test_issue_rules(tree, report_templates, tinh_admin, xa_officer, xa_officer_other):
    template = report_templates["quarterly"]
    with pytest.raises(ServiceError, match="deadline cannot be in the past"):
        _issue(tinh_admin, tree.p, template, deadline=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ServiceError, match="only ask the units below your own"):
        _issue(xa_officer, tree.p, template)
    with pytest.raises(ServiceError, match="has no active"):
        _issue(xa_officer, tree.a, template, kind="commune")
    own = services.template_create(actor=xa_officer_other, unit=tree.b, name="Báo cáo riêng",
                                   indicators=list(template.ordered_indicators()[:2]), sections=["results"])  # fmt: skip
    with pytest.raises(ServiceError, match="cannot be used"):
        _issue(xa_officer, tree.a, own, kind="branch")
    assert not Submission.objects.exists()
    # The commune asks its branches; each branch's report waits for the commune's officials.
    request = _issue(xa_officer, tree.a, template, kind="branch")
    assert {s.unit_id for s in request.submissions.all()} == {tree.a1.pk, tree.a2.pk}
    assert Notification.objects.filter(recipient=xa_officer, kind="report.requested").count() == 2


@pytest.mark.django_db
def test_templates_of_a_unit(tree, library, xa_officer, xa_officer_other):
    chosen = [library["TT_BUOI"], library["HV_TONG"]]
    template = services.template_create(actor=xa_officer, unit=tree.a, name=" Báo cáo  tháng ",
                                        indicators=chosen, sections=["proposals", "results", "x"])  # fmt: skip
    assert template.name == "Báo cáo tháng"
    assert template.sections == ["results", "proposals"]
    assert [i.code for i in template.ordered_indicators()] == ["TT_BUOI", "HV_TONG"]
    with pytest.raises(ServiceError):
        services.template_create(
            actor=xa_officer_other, unit=tree.a, name="X", indicators=chosen, sections=[]
        )
    with pytest.raises(ServiceError, match="each once"):
        services.template_create(
            actor=xa_officer, unit=tree.a, name="X", indicators=chosen * 2, sections=[]
        )
    assert ReportTemplate.objects.filter(unit=tree.a).count() == 1


@pytest.mark.django_db
def test_the_national_templates_are_shipped(report_templates):
    quarterly = report_templates["quarterly"].ordered_indicators()
    yearly = report_templates["yearly"].ordered_indicators()
    assert quarterly[0].code == "HV_TONG" and len(quarterly) == 19
    assert len(yearly) == 38
    assert report_templates["yearly"].sections == ["results", "shortcomings", "tasks", "proposals"]


@pytest.mark.django_db
def test_an_upper_unit_submits_its_own_roll_up_further_up(
    tree, report_templates, tinh_admin, xa_officer
):
    """Commune A asks its branches, accepts them, and its own report to the province comes
    filled with their roll-up (entered indicators) beside its computed figures."""
    template = report_templates["quarterly"]
    _members(tree, xa_officer, n=2)
    to_branches = _issue(xa_officer, tree.a, template, kind="branch")
    for unit, count in ((tree.a1, "4"), (tree.a2, "5")):
        sub = _sub(to_branches, unit)
        services.submission_submit(actor=xa_officer, submission=sub, narrative=NARRATIVE,
                                   values={"TC_MO_HINH": {"value": count}})  # fmt: skip
        services.submission_accept(actor=xa_officer, submission=sub)
    to_communes = _issue(tinh_admin, tree.p, template)
    own = _sub(to_communes, tree.a)
    filled = services.prefilled(own, template.ordered_indicators())
    assert filled["TC_MO_HINH"].value == 9
    assert filled["HV_TONG"].value == 2
    services.submission_submit(actor=xa_officer, submission=own, values={}, narrative=NARRATIVE)
    assert own.versions.get().values["TC_MO_HINH"]["computed"]["value"] == "9"


# --- attachments ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name, content", [
    ("bao-cao.pdf", pdf_bytes()), ("bao-cao.docx", office_bytes("docx")),
    ("so-lieu.xlsx", office_bytes("xlsx")),
])  # fmt: skip
def test_real_files_are_attached_and_go_up_with_the_version(
    issued, tree, xa_officer, name, content
):
    sub = _sub(issued, tree.a)
    services.submission_save(actor=xa_officer, submission=sub, values={}, narrative=NARRATIVE,
                             uploads=[SimpleUploadedFile(name, content)])  # fmt: skip
    attachment = Attachment.objects.get()
    assert attachment.version is None and attachment.name == name
    assert attachment.file.read() == content
    services.submission_submit(actor=xa_officer, submission=sub, values={}, narrative=NARRATIVE)
    attachment.refresh_from_db()
    assert attachment.version == sub.versions.get()
    with pytest.raises(ServiceError):
        services.attachment_remove(actor=xa_officer, attachment=attachment)


@pytest.mark.django_db
@pytest.mark.parametrize("name, content, message", [
    ("virus.exe", b"MZ\x90\x00", "only PDF, Word"),
    ("bao-cao.pdf", b"MZ\x90\x00 not a pdf", "not a real PDF"),
    ("bao-cao.docx", office_bytes("xlsx"), "not a real DOCX"),
    ("bao-cao.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old .doc", "not a real DOCX"),
    ("so-lieu.xlsx", b"PK\x03\x04 broken zip", "not a real XLSX"),
    ("trong.pdf", b"", "not a real PDF"),
])  # fmt: skip
def test_files_that_are_not_what_they_say_are_refused(issued, tree, xa_officer, settings, name,
                                                      content, message):  # fmt: skip
    sub = _sub(issued, tree.a)
    before = submissions_snapshot()
    with pytest.raises(ServiceError, match=message):
        services.submission_save(actor=xa_officer, submission=sub, values={"TT_BUOI": {"value": "2"}},
                                 narrative=NARRATIVE, uploads=[SimpleUploadedFile(name, content)])  # fmt: skip
    assert submissions_snapshot() == before


@pytest.mark.django_db
def test_a_file_too_large_is_refused(issued, tree, xa_officer, settings):
    settings.HOISO_REPORT_ATTACHMENT_MAX_BYTES = 1000
    content = pdf_bytes() + b"0" * 1000
    with pytest.raises(ServiceError, match="a file may be at most"):
        services.submission_save(actor=xa_officer, submission=_sub(issued, tree.a), values={},
                                 narrative=NARRATIVE, uploads=[SimpleUploadedFile("to.pdf", content)])  # fmt: skip
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_draft_file_can_be_removed(issued, tree, xa_officer, xa_officer_other):
    sub = _sub(issued, tree.a)
    services.submission_save(actor=xa_officer, submission=sub, values={}, narrative=NARRATIVE,
                             uploads=[SimpleUploadedFile("a.pdf", pdf_bytes())])  # fmt: skip
    attachment = Attachment.objects.get()
    with pytest.raises(ServiceError):
        services.attachment_remove(actor=xa_officer_other, attachment=attachment)
    services.attachment_remove(actor=xa_officer, attachment=attachment)
    assert not Attachment.objects.exists()


# --- reminders -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_reminders_go_once_a_day_to_units_that_have_not_submitted(issued, tree, xa_officer,
                                                                  xa_officer_other):  # fmt: skip
    from django.core.management import call_command

    services.submission_submit(actor=xa_officer, submission=_sub(issued, tree.a), values={},
                               narrative=NARRATIVE)  # fmt: skip
    deadline = issued.deadline
    assert services.remind_due(days=3, today=deadline - datetime.timedelta(days=4)) == 0
    day = deadline - datetime.timedelta(days=2)
    assert services.remind_due(days=3, today=day) == 1
    assert services.remind_due(days=3, today=day) == 0  # idempotent
    assert services.remind_due(days=3, today=deadline) == 1  # another day
    reminded = Notification.objects.filter(kind="report.reminder")
    assert set(reminded.values_list("recipient", flat=True)) == {xa_officer_other.pk}
    assert reminded.count() == 2
    assert Reminder.objects.count() == 2
    assert services.remind_due(days=3, today=deadline + datetime.timedelta(days=1)) == 0
    call_command("reporting_remind", "--days", "30")  # today: 10 days before the deadline
    assert Reminder.objects.filter(day=timezone.localdate()).count() == 1
    call_command("reporting_remind", "--days", "30")
    assert Reminder.objects.filter(day=timezone.localdate()).count() == 1


@pytest.mark.django_db
def test_an_indicator_in_requested_reports_keeps_its_meaning(
    issued, library, tinh_admin, superuser
):
    indicator = library["TT_LUOT"]
    with pytest.raises(ServiceError, match="already in reports"):
        services.indicator_update(actor=superuser, indicator=indicator, data={"measure": "count"})
    indicator.refresh_from_db()
    assert indicator.measure == "people"
    services.indicator_update(actor=superuser, indicator=indicator, data={"name": "Số lượt người"})
    indicator.refresh_from_db()
    assert indicator.name == "Số lượt người"
    with pytest.raises(ServiceError, match="already used"):
        services.indicator_delete(actor=superuser, indicator=indicator)


@pytest.mark.django_db
def test_reports_are_among_the_paths_restructuring_rewrites():
    """Restructuring rewrites the stored path of every model org.services.paths finds (those
    with SCOPE_PATH_FIELD): requests, submissions and templates are among them."""
    from hoiso.org.services.paths import path_holders

    holders = {model.__name__ for model, _field in path_holders()}
    assert {"ReportRequest", "Submission", "ReportTemplate"} <= holders


@pytest.mark.django_db
def test_the_reminder_task_runs_the_same_service(issued, xa_officer_other):
    from hoiso.reporting.tasks import reporting_remind

    assert reporting_remind.call(days=30) == 2  # both communes, today
    assert reporting_remind.call(days=30) == 0
