"""gunicorn settings for HoSo (docs/DEPLOY.md, docs/adr/0008-production-server.md).

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8000 hoso.wsgi

Processes and threads come from the same settings as the database pool (hoso/settings.py:
HOSO_WEB_WORKERS, HOSO_WEB_THREADS, HOSO_DB_POOL_MAX), so the connection budget that
``manage.py check --database default`` verifies is the one this server keeps. The request body's
size and the client's slowness are the reverse proxy's job (deploy/nginx/hoso.conf buffers whole
requests and answers 413 above client_max_body_size); here: bounded workers, timeouts and limits
on the request line and headers.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoso.settings")

from hoso import settings as hoso_settings  # noqa: E402  (plain module: Django is not set up)

wsgi_app = "hoso.wsgi:application"
chdir = str(ROOT)
bind = ["127.0.0.1:8000"]  # --bind on the command line wins

# Bounded concurrency: W processes × T threads requests at once, no more; a request beyond waits
# in the listen backlog (then in nginx), it never opens another database connection.
workers = hoso_settings.HOSO_WEB_WORKERS
threads = hoso_settings.HOSO_WEB_THREADS
worker_class = "gthread"
backlog = 256
# A process is replaced after this many requests (a leak cannot grow for ever).
max_requests = 2000
max_requests_jitter = 200

# Timeouts: a request that runs longer than `timeout` has its worker killed and restarted (long
# work — imports, print batches, archives — runs in the task worker, not in a request).
timeout = 60
graceful_timeout = 30
keepalive = 5

# Limits on what reaches Django (the body's size is limited by nginx and by Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE / the upload limits).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# X-Forwarded-Proto/-For are believed only from the proxy on this machine.
forwarded_allow_ips = "127.0.0.1,::1"

# Logs to stderr (journald under systemd): the client (nginx's X-Forwarded-For), the request, the
# status, the size, the time in milliseconds and the process that served it.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms pid=%(p)s "%(a)s"'
proc_name = "hoso"
