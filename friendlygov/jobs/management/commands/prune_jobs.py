"""End running jobs whose worker died (silent for JOB_STALE_MINUTES), then remove finished jobs older
than JOB_RETENTION_DAYS with their files. Run daily or more often (cron or timer)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from friendlygov.jobs import services


class Command(BaseCommand):
    help = "Delete finished background jobs (and their files) older than JOB_RETENTION_DAYS."

    def handle(self, *args, **options):
        stale = services.fail_stale_jobs()
        self.stdout.write(f"ended {stale} running job(s) silent for {settings.JOB_STALE_MINUTES} minutes")
        before = timezone.now() - timedelta(days=settings.JOB_RETENTION_DAYS)
        count = services.prune_jobs(finished_before=before)
        self.stdout.write(f"removed {count} finished job(s) older than {settings.JOB_RETENTION_DAYS} days")
