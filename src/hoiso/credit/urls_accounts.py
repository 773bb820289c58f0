"""The officials' pages of savings groups, savings and loans (credit:home and the rest);
included by credit/urls.py under /tin-dung/."""

from django.urls import path

from hoiso.credit import views_groups, views_loans, views_savings

urlpatterns = [
    path("", views_groups.home, name="home"),
    path("to/", views_groups.group_list, name="group_list"),
    path("to/moi/", views_groups.group_create, name="group_create"),
    path("to/<int:pk>/", views_groups.group_detail, name="group_detail"),
    path("to/<int:pk>/sua/", views_groups.group_edit, name="group_edit"),
    path("to/<int:pk>/thanh-vien/", views_groups.group_members, name="group_members"),
    path("to/<int:pk>/mo-tiet-kiem/", views_savings.savings_open, name="savings_open"),
    path("to/<int:pk>/vay/", views_loans.loan_apply, name="loan_apply"),
    path("tiet-kiem/<int:pk>/", views_savings.savings_detail, name="savings_detail"),
    path("tiet-kiem/<int:pk>/gui/", views_savings.savings_deposit, name="savings_deposit"),
    path("tiet-kiem/<int:pk>/rut/", views_savings.savings_withdraw, name="savings_withdraw"),
    path("tiet-kiem/<int:pk>/dong/", views_savings.savings_close, name="savings_close"),
    path("duyet-vay/", views_loans.approvals, name="approvals"),
    path("vay/<int:pk>/", views_loans.loan_detail, name="loan_detail"),
    path("vay/<int:pk>/duyet/", views_loans.loan_approve, name="loan_approve"),
    path("vay/<int:pk>/tu-choi/", views_loans.loan_reject, name="loan_reject"),
    path("vay/<int:pk>/giai-ngan/", views_loans.loan_disburse, name="loan_disburse"),
    path("vay/<int:pk>/thu-no/", views_loans.loan_repay, name="loan_repay"),
    path("vay/<int:pk>/tat-toan/", views_loans.loan_early, name="loan_early"),
    path("vay/<int:pk>/dieu-chinh-ky-han/", views_loans.loan_reschedule, name="loan_reschedule"),
    path("vay/<int:pk>/xoa-no/", views_loans.loan_writeoff, name="loan_writeoff"),
    path("vay/<int:pk>/dong/", views_loans.loan_close, name="loan_close"),
    path("but-toan/<int:pk>/dao/", views_loans.entry_reverse, name="entry_reverse"),
]
