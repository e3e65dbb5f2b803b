"""The grade book's URLs (namespace ``gradebook``): one ``urls.py`` per room, so each grows on its
own."""

from hoso.gradebook.anomalies import urls as anomalies
from hoso.gradebook.comments import urls as comments
from hoso.gradebook.corrections import urls as corrections
from hoso.gradebook.entry import urls as entry
from hoso.gradebook.excel import urls as excel
from hoso.gradebook.progress import urls as progress
from hoso.gradebook.results import urls as results
from hoso.gradebook.signoff import urls as signoff

app_name = "gradebook"

urlpatterns = [
    *entry.urlpatterns,
    *excel.urlpatterns,
    *corrections.urlpatterns,
    *progress.urlpatterns,
    *results.urlpatterns,
    *anomalies.urlpatterns,
    *signoff.urlpatterns,
    *comments.urlpatterns,
]
