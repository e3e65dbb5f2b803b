from django.urls import include, path

from hoso.organisation import views
from hoso.organisation.assignments import urls as assignment_urls
from hoso.organisation.staff import urls as staff_urls

app_name = "organisation"
urlpatterns = [
    path("lop/", views.class_list, name="classes"),
    path("lop/<int:class_id>/", views.class_detail, name="class_detail"),
    *staff_urls.urlpatterns,  # the staff register: can-bo/…
    path("phan-cong/", include(assignment_urls.urlpatterns)),
    path("thiet-lap/", include("hoso.organisation.setup.urls")),
]
