"""The credit pages under one namespace: the officials' groups, savings and loans
(urls_accounts) and the meetings and reports (urls_meetings). Included at /tin-dung/."""

from hoiso.credit import urls_accounts, urls_meetings

app_name = "credit"

urlpatterns = [*urls_accounts.urlpatterns, *urls_meetings.urlpatterns]
