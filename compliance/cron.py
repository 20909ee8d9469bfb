"""Periodic work, loaded by `python manage.py rqcron compliance.cron`."""

from rq import cron

from compliance.jobs import reap_abandoned_jobs

cron.register(reap_abandoned_jobs, queue_name="default", interval=60)
