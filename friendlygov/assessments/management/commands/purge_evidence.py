"""Delete the files of withdrawn evidence whose retention has ended: withdrawn more than
EVIDENCE_RETENTION_DAYS ago, in a cycle whose last decision day has passed. A file still used by
another upload stays. Safe to run as often as wanted (cron, daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from friendlygov.assessments import services


class Command(BaseCommand):
    help = "Delete withdrawn evidence files past their retention; the audit keeps their name and hash."

    def handle(self, *args, **options):
        purged = services.purge_withdrawn_evidence()
        days = settings.EVIDENCE_RETENTION_DAYS
        self.stdout.write(
            f"purged {purged.rows} withdrawn evidence file(s) past {days} days and their cycle's review; "
            f"deleted {purged.files_deleted} stored file(s), {purged.bytes_freed} bytes"
        )
