"""Send the reminders due today. Idempotent: run it from cron or a systemd timer as often as you
like (hourly or daily); each occasion is mailed once per person."""

from django.core.management.base import BaseCommand, CommandError

from friendlygov.notifications import services


class Command(BaseCommand):
    help = "Send reminder and escalation e-mails due today (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be sent; send nothing.")

    def handle(self, *args, dry_run=False, **options):
        report = services.send_reminders(dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            f"{verb} {report.sent}, already sent {report.already_sent}, switched off {report.switched_off}, "
            f"no e-mail address {report.no_address}, failed {report.failed}"
        )
        for kind, count in sorted(report.by_kind.items()):
            self.stdout.write(f"  {kind}: {count}")
        if report.failed:
            raise CommandError(f"{report.failed} reminder(s) not sent; the next run tries them again.")
