"""Periodic work, loaded by `python manage.py rqcron compliance.cron`.

Like the URLconf, this is project wiring: it lists every app's periodic jobs.
"""

from django.conf import settings
from rq import cron

from compliance.jobs import reap_abandoned_jobs
from compliance.retention.sweep import start_sweep_job
from dpia.living import check_all_assessments
from dpia.reviews import send_review_reminders
from dsar.answer.delivery import purge_expired_packages
from dsar.reminders import send_dsar_reminders
from dsar.tasks import refresh_paused_deadlines, release_preservation_holds
from media_processing.services.imports import scan_all_import_folders
from media_processing.services.ingest import reconcile_stalled_ingestions

cron.register(reap_abandoned_jobs, queue_name="default", interval=60)
cron.register(scan_all_import_folders, queue_name="default", interval=60)
cron.register(reconcile_stalled_ingestions, queue_name="default", interval=60)
cron.register(start_sweep_job, queue_name="default", interval=settings.RETENTION_SWEEP_MINUTES * 60)
cron.register(release_preservation_holds, queue_name="default", interval=60 * 60)
cron.register(refresh_paused_deadlines, queue_name="default", interval=60 * 60)
cron.register(send_dsar_reminders, queue_name="default", interval=60 * 60)
cron.register(purge_expired_packages, queue_name="default", interval=60 * 60)
cron.register(check_all_assessments, queue_name="default", interval=60 * 60)
cron.register(send_review_reminders, queue_name="default", interval=60 * 60)
