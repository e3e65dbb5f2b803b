"""Thiết lập trường: a school sets itself and its year up on the web (docs/SETUP.md).

Rooms: ``actions`` (every write, audited), ``selectors`` (the checklist and the pages' reads),
``policies`` (who reads, prepares, confirms), ``workflow`` (steps and the principal's
confirmation, pure), ``calendar`` (the proposed calendar and its checks, pure), ``usage`` (probes
other packages register), ``errors``; doors: ``views``/``urls``, ``navigation``. The command
``manage.py create_school`` (organisation/management) starts it all.
"""
