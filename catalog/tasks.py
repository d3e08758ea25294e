"""Checks the admin starts, done in the background (django-tasks: `manage.py db_worker`, or at once in DEBUG)."""

from django_tasks import task

from catalog.entry_kinds import Selection
from catalog.models import CheckRun
from catalog.services.check_runs import fail_run, open_run, perform_run


@task()
def check_run_task(run_id: int) -> str:
    return perform_run(run_id)


def start_check_run(*, kind: str, user, selection: Selection = None) -> CheckRun:
    """Record a run of `kind` and queue its task; RunRefused while another run of the kind is queued or running."""
    run = open_run(kind=kind, user=user, selection=selection)
    try:
        check_run_task.enqueue(run.pk)
    except Exception as error:
        fail_run(run, error)
        raise
    run.refresh_from_db()
    return run
