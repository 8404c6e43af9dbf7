"""python manage.py verify_audit: check the audit chain; exit 1 at the first problem. Never writes.

Checks every chained event's MAC and link with the configured keys (AUDIT_KEY, AUDIT_OLD_KEYS),
that positions run 1, 2, 3 … without gaps and that recorded times do not go back by more than
AUDIT_CLOCK_SKEW_SECONDS; reports events waiting to be chained (failing on any whose MAC does not
hold, and on any waiting longer than AUDIT_SEAL_GRACE_SECONDS); and compares the head with the
newest signed checkpoint in AUDIT_CHECKPOINT_DIR (or a head hash passed with --expect-head), which
is what shows that the newest events were cut off.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from friendlygov.audit import checkpoints, services


class Command(BaseCommand):
    help = "Check the audit chain (MACs, links, times, waiting events, the newest checkpoint); never writes."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            help="a head hash recorded earlier that must still be in the chain (detects a cut-off tail)",
        )
        parser.add_argument(
            "--checkpoint-dir",
            default=None,
            help="the folder of signed checkpoints (default: AUDIT_CHECKPOINT_DIR; '' for none)",
        )

    def handle(self, *args, database, expect_head=None, checkpoint_dir=None, **options):
        problems = []
        verdict = services.verify(using=database)
        if verdict.broken is not None:
            broken = verdict.broken
            problems.append(
                f"Audit chain broken at position {broken.sequence} (event id {broken.event_id}): "
                f"{broken.kind} — {broken.detail}. {verdict.checked} event(s) before it are intact."
            )
        waiting = services.unchained(using=database)
        if waiting["forged"]:
            problems.append(
                f"{len(waiting['forged'])} unchained event(s) whose MAC does not hold (written around the "
                f"application): ids {_ids(waiting['forged'])}."
            )
        if waiting["late"]:
            grace = settings.AUDIT_SEAL_GRACE_SECONDS
            problems.append(
                f"{len(waiting['late'])} event(s) unchained for more than {grace} s "
                f"(is `seal_audit` running?): ids {_ids(waiting['late'])}."
            )
        if expect_head and not services.is_stored(expect_head, using=database):
            problems.append(
                f"The recorded head {expect_head} is not in the chain: events after it were removed."
            )
        folder = settings.AUDIT_CHECKPOINT_DIR if checkpoint_dir is None else checkpoint_dir
        compared = ""
        try:
            latest = checkpoints.newest(folder)
        except checkpoints.CheckpointError as exc:
            problems.append(f"Checkpoint: {exc}.")
            latest = None
        if latest is not None:
            stored = services.hash_at(latest.sequence, using=database)
            if stored != latest.hash:
                found = "ends before it: events were removed" if stored is None else f"has {stored} there"
                problems.append(
                    f"The checkpoint of {latest.written_at} ({latest.path.name}) vouches for position "
                    f"{latest.sequence} with hash {latest.hash}; the chain {found}."
                )
            compared = f" Matches the checkpoint of {latest.written_at} (position {latest.sequence})."
        if problems:
            raise CommandError("\n".join(problems))
        in_flight = f" {waiting['waiting']} event(s) waiting to be chained." if waiting["waiting"] else ""
        self.stdout.write(
            f"Audit chain intact: {verdict.checked} event(s), head {verdict.head_hash}.{compared}{in_flight}"
        )


def _ids(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:20])
    return shown + (f" … ({len(ids) - 20} more)" if len(ids) > 20 else "")
