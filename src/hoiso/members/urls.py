from django.urls import path

from hoiso.members import views, views_stats

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("ket-nap/", views.member_create, name="member_create"),
    path("xuat/", views.member_export, name="member_export"),
    path("thong-ke/", views_stats.dashboard, name="dashboard"),
    path("the/", views.member_cards, name="member_cards"),
    path("<int:pk>/the/", views.member_card, name="member_card"),
    path("xac-minh/<str:token>/", views.member_verify, name="member_verify"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/sua/", views.member_edit, name="member_edit"),
    path("<int:pk>/lich-su/", views.member_history, name="member_history"),
    path("<int:pk>/lich-su/<int:version>/khoi-phuc/", views.member_restore, name="member_restore"),
    path("<int:pk>/du-lieu/", views.member_data_export, name="member_data_export"),
    path("<int:pk>/du-lieu/pdf/", views.member_data_pdf, name="member_data_pdf"),
    path("<int:pk>/xoa-du-lieu/", views.member_anonymise, name="member_anonymise"),
    path("<int:pk>/chuyen/", views.member_transfer, name="member_transfer"),
    path("<int:pk>/ra-hoi/", views.member_leave, name="member_leave"),
    path("<int:pk>/tu-tran/", views.member_death, name="member_death"),
    path("<int:pk>/phuc-hoi/", views.member_reinstate, name="member_reinstate"),
    path("chuyen-sinh-hoat/", views.transfer_list, name="transfer_list"),
    path("chuyen-sinh-hoat/<int:pk>/", views.transfer_decide, name="transfer_decide"),
]

# import
from hoiso.members import views_import  # noqa: E402

urlpatterns += [
    path("nhap/", views_import.import_list, name="import_list"),
    path("nhap/mau/", views_import.import_template, name="import_template"),
    path("nhap/tai-len/", views_import.import_start, name="import_start"),
    path("nhap/<int:pk>/", views_import.import_detail, name="import_detail"),
    path("nhap/<int:pk>/tien-do/", views_import.import_status, name="import_status"),
    path("nhap/<int:pk>/nhap/", views_import.import_apply, name="import_apply"),
    path("nhap/<int:pk>/bao-loi/", views_import.import_report, name="import_report"),
    path("nhap/<int:pk>/hoan-tac/", views_import.import_undo, name="import_undo"),
]

# duplicates
from hoiso.members import urls_duplicates  # noqa: E402

urlpatterns += urls_duplicates.urlpatterns
