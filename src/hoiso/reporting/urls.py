from django.urls import path

from hoiso.reporting import views

app_name = "reporting"

urlpatterns = [
    path("chi-tieu/", views.indicator_list, name="indicator_list"),
    path("chi-tieu/them/", views.indicator_create, name="indicator_create"),
    path("chi-tieu/<int:pk>/sua/", views.indicator_edit, name="indicator_edit"),
    path("chi-tieu/<int:pk>/xoa/", views.indicator_delete, name="indicator_delete"),
    path("ngay-chot/", views.cut_off_list, name="cut_off_list"),
    path("so-lieu/", views.preview, name="preview"),
]
