from django.urls import path

from hoiso.members import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="member_list"),
    path("ket-nap/", views.member_create, name="member_create"),
    path("xuat/", views.member_export, name="member_export"),
    path("<int:pk>/", views.member_detail, name="member_detail"),
    path("<int:pk>/sua/", views.member_edit, name="member_edit"),
    path("<int:pk>/lich-su/", views.member_history, name="member_history"),
    path("<int:pk>/chuyen/", views.member_transfer, name="member_transfer"),
    path("<int:pk>/ra-hoi/", views.member_leave, name="member_leave"),
    path("<int:pk>/tu-tran/", views.member_death, name="member_death"),
    path("<int:pk>/phuc-hoi/", views.member_reinstate, name="member_reinstate"),
    path("chuyen-sinh-hoat/", views.transfer_list, name="transfer_list"),
    path("chuyen-sinh-hoat/<int:pk>/", views.transfer_decide, name="transfer_decide"),
]
