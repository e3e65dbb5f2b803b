"""URLs of the grade book: progress (included by hoso/gradebook/urls.py)."""

urlpatterns: list = []
