"""The project's URL map. Each app owns its own urls.py; the authorisation matrix test
(tests/test_authorization_matrix.py) walks every pattern listed here."""

from django.contrib import admin
from django.urls import include, path, re_path

from hoiso.core.views import page_not_found

urlpatterns = [
    path("", include("hoiso.core.urls")),
    path("to-chuc/", include("hoiso.org.urls")),
    path("tai-khoan/", include("hoiso.accounts.urls")),
    path("hoi-vien/", include("hoiso.members.urls")),
    path("bao-cao/", include("hoiso.reporting.urls")),
    path("van-ban/", include("hoiso.documents.urls")),
    path("thi-dua/", include("hoiso.campaigns.urls")),
    path("cuoc-thi/", include("hoiso.contests.urls")),
    path("hoc-tap/", include("hoiso.studies.urls")),
    path("tin-dung/", include("hoiso.credit.urls")),
    path("thong-bao/", include("hoiso.notifications.urls")),
    # Accounts are made by officials: no public sign-up, no self-service e-mail or password reset.
    re_path(
        r"^accounts/(?:signup|email|confirm-email|password/reset)(?:/.*)?$",
        page_not_found,
        name="account_disabled",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
]

handler403 = "hoiso.core.views.error_403"
handler404 = "hoiso.core.views.error_404"
handler500 = "hoiso.core.views.error_500"
