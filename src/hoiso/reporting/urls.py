from django.urls import path

from hoiso.reporting import views, views_submissions

app_name = "reporting"

urlpatterns = [
    path("chi-tieu/", views.indicator_list, name="indicator_list"),
    path("chi-tieu/them/", views.indicator_create, name="indicator_create"),
    path("chi-tieu/<int:pk>/sua/", views.indicator_edit, name="indicator_edit"),
    path("chi-tieu/<int:pk>/xoa/", views.indicator_delete, name="indicator_delete"),
    path("ngay-chot/", views.cut_off_list, name="cut_off_list"),
    path("so-lieu/", views.preview, name="preview"),
    path("mau/", views_submissions.template_list, name="template_list"),
    path("mau/them/", views_submissions.template_create, name="template_create"),
    path("mau/<int:pk>/sua/", views_submissions.template_edit, name="template_edit"),
    path("yeu-cau/", views_submissions.request_list, name="request_list"),
    path("yeu-cau/gui/", views_submissions.request_create, name="request_create"),
    path("yeu-cau/<int:pk>/", views_submissions.request_detail, name="request_detail"),
    path("yeu-cau/<int:pk>/word/", views_submissions.request_word, name="request_word"),
    path("yeu-cau/<int:pk>/excel/", views_submissions.request_workbook, name="request_workbook"),
    path("yeu-cau/<int:pk>/khoa/", views_submissions.request_close, name="request_close"),
    path("nop/<int:pk>/", views_submissions.submission_edit, name="submission_edit"),
    path("nop/<int:pk>/word/", views_submissions.submission_word, name="submission_word"),
    path("nop/<int:pk>/lich-su/", views_submissions.submission_history, name="submission_history"),
    path("nop/<int:pk>/duyet/", views_submissions.submission_decide, name="submission_decide"),
    path("tep/<int:pk>/", views_submissions.attachment_download, name="attachment_download"),
    path("tep/<int:pk>/xoa/", views_submissions.attachment_remove, name="attachment_remove"),
]
