from django.urls import path

from hoiso.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("nhan/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("nhan/<int:pk>/tra-loi/tep/", views.delivery_response_file, name="delivery_response_file"),
    path("di/", views.outgoing_list, name="outgoing_list"),
    path("di/soan/", views.outgoing_create, name="outgoing_create"),
    path("di/<int:pk>/", views.outgoing_detail, name="outgoing_detail"),
    path("di/<int:pk>/sua/", views.outgoing_edit, name="outgoing_edit"),
    path("di/<int:pk>/ban-hanh/", views.outgoing_issue, name="outgoing_issue"),
    path("di/tra-loi/<int:pk>/tep/", views.response_file, name="response_file"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("den/", views.incoming_list, name="incoming_list"),
    path("den/them/", views.incoming_create, name="incoming_create"),
    path("den/<int:pk>/", views.incoming_detail, name="incoming_detail"),
    path("den/<int:pk>/tep/", views.incoming_file, name="incoming_file"),
]
