from django.urls import path

from hoiso.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/da-doc/", views.notification_mark_read, name="mark_read"),
    path("da-doc-het/", views.mark_all_read, name="mark_all_read"),
    path("tuy-chon/", views.preferences, name="preferences"),
]
