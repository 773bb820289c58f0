"""URLs of the duplicate records pages; members/urls.py adds them to its urlpatterns."""

from django.urls import path

from hoiso.members import views_duplicates

urlpatterns = [
    path("trung-lap/", views_duplicates.duplicate_list, name="duplicate_list"),
    path("trung-lap/<int:pk>/", views_duplicates.duplicate_review, name="duplicate_review"),
    path("trung-lap/<int:pk>/hop-nhat/", views_duplicates.duplicate_merge, name="duplicate_merge"),
]
