from django.urls import path

from hoiso.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("nhat-ky/", views.audit_list, name="audit_list"),
    path("tac-vu/<uuid:pk>/", views.task_progress, name="task_progress"),
]
