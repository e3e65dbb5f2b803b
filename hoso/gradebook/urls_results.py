"""URLs of the grade book: results (included by hoso/gradebook/urls.py)."""

urlpatterns: list = []
