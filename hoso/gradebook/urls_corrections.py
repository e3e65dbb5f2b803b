"""URLs of the grade book: corrections (included by hoso/gradebook/urls.py)."""

urlpatterns: list = []
