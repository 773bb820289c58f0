"""Helpers for the reporting tests."""


def reporting_snapshot() -> dict[str, list]:
    """Every row the reporting services write."""
    from hoiso.reporting.models import Indicator, Period, PeriodCutOff

    def rows(model, *fields):
        return list(model._default_manager.order_by("pk").values_list("pk", *fields))

    return {
        "indicators": rows(Indicator, "code", "name", "description", "group", "order", "measure",
                           "rollup", "source", "computed_key", "decimal_places", "active",
                           "unit_id", "unit_path"),
        "indicator_history": list(Indicator.history.order_by("history_id").values_list("history_id", "id")),
        "periods": rows(Period, "kind", "year", "number", "counts_from", "cut_off"),
        "cut_offs": rows(PeriodCutOff, "kind", "day"),
    }  # fmt: skip


def with_reporting(snapshot):
    """`snapshot` extended with the reporting tables."""
    return lambda: {**snapshot(), **reporting_snapshot(), **submissions_snapshot(wider=False)}


def submissions_snapshot(*, wider: bool = True) -> dict[str, list]:
    """Every row the report request and submission services write (`wider`: with the
    notifications and audit rows they add)."""
    from hoiso.core.models import AuditEntry
    from hoiso.notifications.models import Notification
    from hoiso.reporting.models import (
        Attachment,
        Reminder,
        ReportRequest,
        ReportTemplate,
        ReportTemplateItem,
        Submission,
        SubmissionVersion,
    )  # fmt: skip

    def rows(model, *fields):
        return list(model._default_manager.order_by("pk").values_list("pk", *fields))

    found = {
        "templates": rows(ReportTemplate, "name", "sections", "unit_id"),
        "template_items": rows(ReportTemplateItem, "template_id", "indicator_id", "order"),
        "requests": rows(ReportRequest, "unit_id", "period_id", "deadline", "closed_at"),
        "submissions": rows(Submission, "status", "values", "narrative", "on_time", "submitted_at"),
        "versions": rows(SubmissionVersion, "number", "values", "narrative", "decision", "comment"),
        "attachments": rows(Attachment, "name", "version_id"),
        "reminders": rows(Reminder, "submission_id", "day"),
    }
    if wider:
        found["notifications"] = rows(Notification, "recipient_id", "kind")
        found["audit"] = rows(AuditEntry, "action")
    return found


def quarter_now():
    import datetime

    today = datetime.date.today()
    return today.year, (today.month - 1) // 3 + 1


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def office_bytes(kind: str) -> bytes:
    """A minimal Office Open XML package of `kind` ("docx" or "xlsx")."""
    import io
    import zipfile

    part = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, "<x/>")
    return buffer.getvalue()
