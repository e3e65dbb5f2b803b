"""The grade book's URLs, one module per area so each can grow on its own."""

from hoso.gradebook import (
    urls_corrections,
    urls_grid,
    urls_progress,
    urls_results,
)
from hoso.gradebook.excel import urls as urls_excel

app_name = "gradebook"
urlpatterns = [
    *urls_grid.urlpatterns,
    *urls_excel.urlpatterns,
    *urls_corrections.urlpatterns,
    *urls_progress.urlpatterns,
    *urls_results.urlpatterns,
]
