"""URLs of the grade book: grid (included by hoso/gradebook/urls.py)."""

urlpatterns: list = []
