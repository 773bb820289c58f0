from django.urls import path

from hoiso.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("moi/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/sua/", views.campaign_edit, name="edit"),
    path("<int:pk>/chi-tieu/", views.campaign_targets, name="targets"),
    path("<int:pk>/chi-tieu/dat/", views.target_set, name="target_set"),
    path("<int:pk>/bat-dau/", views.campaign_start, name="start"),
    path("<int:pk>/ket-thuc/", views.campaign_close, name="close"),
    path("<int:pk>/nhap/", views.entry_form, name="entry"),
    path("<int:pk>/bao-cao/", views.campaign_report, name="report"),
    path("<int:pk>/bao-cao.xlsx", views.campaign_report_xlsx, name="report_xlsx"),
]
