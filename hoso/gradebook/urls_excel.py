"""URLs of the grade book: excel (included by hoso/gradebook/urls.py)."""

urlpatterns: list = []
