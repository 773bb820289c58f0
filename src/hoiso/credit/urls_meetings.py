"""The meeting and report pages of savings and credit (included by credit/urls.py, which
gives the "credit" namespace)."""

from django.urls import path

from hoiso.credit import views_meetings, views_reports

urlpatterns = [
    path("to/<int:pk>/buoi-hop/", views_meetings.meeting_list, name="meeting_list"),
    path("to/<int:pk>/bang-ke/", views_meetings.sheet, name="sheet"),
    path("to/<int:pk>/bang-ke.pdf", views_meetings.sheet_pdf, name="sheet_pdf"),
    path("to/<int:pk>/bang-ke.xlsx", views_meetings.sheet_xlsx, name="sheet_xlsx"),
    path("to/<int:pk>/thu/", views_meetings.collect, name="collect"),
    path("bao-cao/du-no/", views_reports.portfolio, name="portfolio"),
    path("bao-cao/no-qua-han/", views_reports.par, name="par"),
    path("bao-cao/can-doi-tai-khoan/", views_reports.trial_balance, name="trial_balance"),
    path("bao-cao/phi-uy-thac/", views_reports.commission, name="commission"),
    path("khoa-so/", views_reports.period_close, name="period_close"),
    path(
        "danh-sach/kiem-tra-su-dung-von.xlsx", views_reports.export_loan_use, name="export_loan_use"
    ),
    path("danh-sach/tiet-kiem.xlsx", views_reports.export_savings, name="export_savings"),
    path(
        "danh-sach/doi-chieu.xlsx",
        views_reports.export_reconciliation,
        name="export_reconciliation",
    ),
]

# The audit log's names of what these pages record (the app's own labels are registered in
# apps.py; these two belong to the pages and are registered with them).
from django.utils.translation import gettext_lazy as _  # noqa: E402

from hoiso.core import audit  # noqa: E402

audit.register_labels(groups={}, actions={
    "credit.sheet_download": _("Downloaded a meeting's collection sheet"),
    "credit.list_export": _("Exported a savings group list"),
})  # fmt: skip
