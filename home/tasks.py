"""Background work of `home`, through Django's tasks API.

The immediate backend runs these at once in development and tests; production uses
`django-tasks-db` and its worker (`manage.py db_worker`, see README).
"""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, text_body: str, html_body: str) -> int:
    """Send one already-rendered email. Arguments are plain strings so the task can be
    stored by a database backend and run by a worker later."""
    message = EmailMultiAlternatives(subject=subject, body=text_body, to=to)
    message.attach_alternative(html_body, "text/html")
    return message.send()


@task()
def run_daily() -> int:
    """The daily work as a task, for deployments that schedule tasks rather than
    commands. Same guarantees as ``manage.py run_daily``."""
    from django.utils import timezone

    from . import hooks

    return sum(count for _name, count in hooks.daily_work(today=timezone.localdate()))
