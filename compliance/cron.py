"""Periodic work, loaded by `python manage.py rqcron compliance.cron`.

Like the URLconf, this is project wiring: it lists every app's periodic jobs.
"""

from rq import cron

from compliance.jobs import reap_abandoned_jobs
from media_processing.services.imports import scan_all_import_folders
from media_processing.services.ingest import reconcile_stalled_ingestions

cron.register(reap_abandoned_jobs, queue_name="default", interval=60)
cron.register(scan_all_import_folders, queue_name="default", interval=60)
cron.register(reconcile_stalled_ingestions, queue_name="default", interval=60)
