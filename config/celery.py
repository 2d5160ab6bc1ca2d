import os
from contextvars import Token

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_process_init, worker_ready

from config.gctuning import tune_after_loading
from sportello.audit.context import AuditContext, Source, reset_context, set_context

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sportello")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
@worker_ready.connect
def _tune_garbage_collector(**kwargs):
    """Once the worker has loaded Django and the tasks (see config/gctuning.py)."""
    tune_after_loading()


# Whatever a task records in the audit trail comes from a scheduled (background) task.
_audit_tokens: dict[str, Token] = {}


@task_prerun.connect
def _audit_as_scheduled_task(task_id=None, **kwargs):
    _audit_tokens[task_id] = set_context(AuditContext(source=Source.SCHEDULED))


@task_postrun.connect
def _audit_context_done(task_id=None, **kwargs):
    token = _audit_tokens.pop(task_id, None)
    if token is not None:
        reset_context(token)
