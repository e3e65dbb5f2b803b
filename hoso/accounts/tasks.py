"""Background work of accounts (django-tasks): the "Quên mật khẩu" e-mail, sent outside the
request so that its time does not tell whether the account exists."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_password_reset_email(user_id: int, base_url: str) -> bool:
    from hoso.accounts.actions import password_reset_email

    return password_reset_email(user_id=user_id, base_url=base_url)
