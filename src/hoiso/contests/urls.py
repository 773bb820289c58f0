from django.urls import path

from hoiso.contests import urls_entries, views, views_public

app_name = "contests"

# Quiz contests: the organiser's pages under quan-ly/, the participant's at the top.
# Entry contests and study-and-check will add their own prefixes (bai-du-thi/, hoc-tap/).
urlpatterns = [
    path("quan-ly/", views.quiz_list, name="quiz_list"),
    path("quan-ly/moi/", views.quiz_create, name="quiz_create"),
    path("quan-ly/<int:pk>/", views.quiz_detail, name="quiz_detail"),
    path("quan-ly/<int:pk>/sua/", views.quiz_edit, name="quiz_edit"),
    path("quan-ly/<int:pk>/cong-bo/", views.quiz_publish, name="quiz_publish"),
    path("quan-ly/<int:pk>/ket-thuc/", views.quiz_close, name="quiz_close"),
    path("quan-ly/<int:pk>/vong/", views.quiz_rounds, name="quiz_rounds"),
    path("quan-ly/vong/<int:pk>/sua/", views.quiz_round_edit, name="quiz_round_edit"),
    path("quan-ly/<int:pk>/cau-hoi/", views.quiz_questions, name="quiz_questions"),
    path("quan-ly/<int:pk>/cau-hoi/them/", views.quiz_question_add, name="quiz_question_add"),
    path("quan-ly/cau-hoi/<int:pk>/sua/", views.quiz_question_edit, name="quiz_question_edit"),
    path(
        "quan-ly/cau-hoi/<int:pk>/bat-tat/", views.quiz_question_toggle, name="quiz_question_toggle"
    ),
    path("quan-ly/<int:pk>/cau-hoi/nhap/", views.quiz_import, name="quiz_import"),
    path("quan-ly/cau-hoi/mau.xlsx", views.quiz_import_template, name="quiz_import_template"),
    path("quan-ly/vong/<int:pk>/ket-qua/", views.quiz_round_results, name="quiz_round_results"),
    path(
        "quan-ly/vong/<int:pk>/ket-qua.xlsx",
        views.quiz_round_results_xlsx,
        name="quiz_round_results_xlsx",
    ),
    path("quan-ly/vong/<int:pk>/xep-hang/", views.quiz_round_rank, name="quiz_round_rank"),
    path(
        "quan-ly/vong/<int:pk>/cong-bo-giai/", views.quiz_round_publish, name="quiz_round_publish"
    ),
    path("quan-ly/vong/<int:pk>/nghi-van/", views.quiz_round_review, name="quiz_round_review"),
    path("quan-ly/<int:pk>/don-vi/", views.quiz_participation, name="quiz_participation"),
    path(
        "quan-ly/giai/<int:pk>/giay-chung-nhan.pdf", views.quiz_certificate, name="quiz_certificate"
    ),
    # The participant's side.
    path("", views_public.quiz_index, name="quiz_index"),
    path("<int:pk>/", views_public.quiz_public, name="quiz_public"),
    path("<int:pk>/tham-gia/", views_public.quiz_start, name="quiz_start"),
    path("<int:pk>/giai-thuong/", views_public.quiz_winners, name="quiz_winners"),
    path("bai/<uuid:key>/", views_public.quiz_attempt, name="quiz_attempt"),
    path("bai/<uuid:key>/ket-qua/", views_public.quiz_result, name="quiz_result"),
    path("bai/<uuid:key>/lam-lai/", views_public.quiz_again, name="quiz_again"),
    path(
        "bai/<uuid:key>/giay-chung-nhan.pdf",
        views_public.quiz_my_certificate,
        name="quiz_my_certificate",
    ),
]

# Entry contests and their juries (contests.urls_entries).
urlpatterns += urls_entries.urlpatterns
