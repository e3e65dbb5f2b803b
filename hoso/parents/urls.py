"""The contact book's URLs (namespace ``parents``): one ``urls.py`` per room."""

from hoso.parents.child import urls as child
from hoso.parents.messages import urls as messages

app_name = "parents"

urlpatterns = [
    *child.urlpatterns,
    *messages.urlpatterns,
]
