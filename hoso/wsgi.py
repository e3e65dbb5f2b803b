import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")
application = get_wsgi_application()

# Production mode: the application server (gunicorn) refuses to load on a failed start-up check,
# as `manage.py check` does (hoso/core/checks.py).
from hoso.core.checks import refuse_on_errors  # noqa: E402

refuse_on_errors()
