"""python manage.py verify_audit: walk the audit hash chain; exit 1 at the first broken link.

Prints the number of events checked and the head hash. Write the head hash down with each backup
(or pass it back with --expect-head): the chain alone cannot tell that its newest events were cut
off, a recorded head can.
"""

from django.core.management.base import BaseCommand, CommandError

from friendlygov.audit import services


class Command(BaseCommand):
    help = "Check the audit hash chain; report the first edited, deleted or reordered event."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            help="a head hash recorded earlier that must still be in the chain (detects a cut-off tail)",
        )

    def handle(self, *args, database, expect_head=None, **options):
        verdict = services.verify(using=database)
        if verdict.broken is not None:
            broken = verdict.broken
            raise CommandError(
                f"Audit chain broken at position {broken.sequence} (event id {broken.event_id}): "
                f"{broken.kind} — {broken.detail}. {verdict.checked} event(s) before it are intact."
            )
        if expect_head and not services.is_stored(expect_head, using=database):
            raise CommandError(
                f"The recorded head {expect_head} is not in the chain: events after it were removed."
            )
        self.stdout.write(f"Audit chain intact: {verdict.checked} event(s), head {verdict.head_hash}.")
