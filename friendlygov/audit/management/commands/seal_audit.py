"""python manage.py seal_audit [--checkpoint]: chain the events still waiting (cron, every minute),
and with --checkpoint write the signed head to AUDIT_CHECKPOINT_DIR (cron, hourly)."""

from django.core.management.base import BaseCommand

from friendlygov.audit import services


class Command(BaseCommand):
    help = "Chain the audit events still waiting; with --checkpoint, write the signed head checkpoint."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--checkpoint", action="store_true", help="also write the signed head checkpoint")

    def handle(self, *args, database, checkpoint, **options):
        chained = services.seal(using=database)
        self.stdout.write(f"Chained {chained} event(s).")
        if checkpoint:
            written = services.checkpoint(using=database)
            if written is None:
                self.stdout.write(
                    "No checkpoint written: AUDIT_CHECKPOINT_DIR is empty, or nothing is chained."
                )
            else:
                self.stdout.write(f"Checkpoint: position {written.sequence}, {written.hash} → {written.path}")
