"""Entry contests (bài dự thi), under /cuoc-thi/bai-du-thi/: the organiser's pages, the units'
officials' and the judges' (cham/). Included from contests.urls."""

from django.urls import path

from hoiso.contests import views_entries as v
from hoiso.contests import views_jury as j

urlpatterns = [
    path("bai-du-thi/", v.entry_list, name="entry_list"),
    path("bai-du-thi/moi/", v.entry_create, name="entry_create"),
    path("bai-du-thi/<int:pk>/", v.entry_detail, name="entry_detail"),
    path("bai-du-thi/<int:pk>/sua/", v.entry_edit, name="entry_edit"),
    path("bai-du-thi/<int:pk>/mo/", v.entry_open, name="entry_open"),
    path("bai-du-thi/<int:pk>/tieu-chi/", v.entry_rubric, name="entry_rubric"),
    path(
        "bai-du-thi/tieu-chi/<int:pk>/xoa/", v.entry_criterion_remove, name="entry_criterion_remove"
    ),
    path("bai-du-thi/<int:pk>/giam-khao/", v.entry_judges, name="entry_judges"),
    path("bai-du-thi/giam-khao/<int:pk>/xoa/", v.entry_judge_remove, name="entry_judge_remove"),
    path("bai-du-thi/<int:pk>/cham-thi/", v.entry_judging, name="entry_judging"),
    path("bai-du-thi/<int:pk>/phan-cong/", v.entry_assign, name="entry_assign"),
    path("bai-du-thi/<int:pk>/xep-hang/", v.entry_ranking, name="entry_ranking"),
    path("bai-du-thi/<int:pk>/cong-bo/", v.entry_publish, name="entry_publish"),
    path("bai-du-thi/<int:pk>/chuyen-cap-tren/", v.entry_forward, name="entry_forward"),
    path("bai-du-thi/goi/<int:pk>.zip", v.entry_package, name="entry_package"),
    path("bai-du-thi/nhan/", v.entry_received, name="entry_received"),
    path("bai-du-thi/<int:pk>/ket-qua/", v.entry_results, name="entry_results"),
    # a unit's official
    path("bai-du-thi/<int:pk>/nop-bai/", v.entry_submit, name="entry_submit"),
    path("bai-du-thi/bai/<int:pk>/", v.entry_view, name="entry_view"),
    path("bai-du-thi/bai/<int:pk>/rut/", v.entry_withdraw, name="entry_withdraw"),
    path("bai-du-thi/tep/<int:pk>/", v.entry_file, name="entry_file"),
    path(
        "bai-du-thi/bai/<int:pk>/giay-chung-nhan.pdf", v.entry_certificate, name="entry_certificate"
    ),
    # a judge
    path("bai-du-thi/cham/", j.jury_home, name="jury_home"),
    path("bai-du-thi/cham/<int:pk>/", j.jury_entry, name="jury_entry"),
    path("bai-du-thi/cham/<int:pk>/diem/", j.jury_score, name="jury_score"),
    path("bai-du-thi/cham/<int:pk>/tep/<int:file_pk>/", j.jury_file, name="jury_file"),
]
