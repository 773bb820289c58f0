from django.urls import path

from hoiso.studies import views

app_name = "studies"

urlpatterns = [
    path("", views.material_list, name="list"),
    path("cua-toi/", views.my_studies, name="mine"),
    path("moi/", views.material_create, name="create"),
    path("<int:pk>/", views.material_detail, name="detail"),
    path("<int:pk>/sua/", views.material_edit, name="edit"),
    path("<int:pk>/cau-hoi/", views.question_add, name="question_add"),
    path("<int:pk>/cau-hoi/<int:question_pk>/xoa/", views.question_delete, name="question_delete"),
    path("<int:pk>/phat-hanh/", views.material_publish, name="publish"),
    path("<int:pk>/dong/", views.material_close, name="close"),
    path("<int:pk>/tep/", views.material_file, name="file"),
    path("<int:pk>/hoc/", views.study, name="study"),
    path("<int:pk>/hoc/xac-nhan/", views.study_confirm, name="confirm"),
    path("<int:pk>/hoc/kiem-tra/", views.study_check, name="check"),
    path("<int:pk>/ghi-nhan/", views.record, name="record"),
]
