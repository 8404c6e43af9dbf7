"""Move a cycle's open assessments through one lineage event (a merger or a division that took
effect while the cycle was open), as the province administrator would from the cycle's page:

    manage.py move_assessments --cycle 2026 --event <event id> --carrier <unit id> --user <admin>

For a merger, --carrier names the predecessor whose assessment seeds the successor's; for a
division, the successor that carries the predecessor's assessment. Audited; nothing changes if
anything is refused."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from friendlygov.assessments import services
from friendlygov.assessments.models import PROGRAM_NAME, Cycle
from friendlygov.units.models import LineageEvent


class Command(BaseCommand):
    help = "Move a cycle's open assessments to the successors of one merger or division."

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="year of the cycle, e.g. 2026")
        parser.add_argument("--program", default=PROGRAM_NAME)
        parser.add_argument("--event", required=True, help="id of the lineage event")
        parser.add_argument("--carrier", required=True, help="unit id: see the command's description")
        parser.add_argument("--user", required=True, help="the province administrator who decides it")

    def handle(self, *args, cycle, program, event, carrier, user, **options):
        found_cycle = Cycle.objects.filter(program__name=program, year=cycle).first()
        if found_cycle is None:
            raise CommandError(f"No cycle {cycle} of {program!r}.")
        found_event = LineageEvent.objects.filter(pk=event).first()
        if found_event is None:
            raise CommandError(f"No lineage event {event!r}.")
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"No user named {user!r}.")
        try:
            moved = services.move_to_successors(found_cycle, found_event, carrier=carrier, actor=actor)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError(" ".join(messages)) from None
        self.stdout.write(
            f"assessment {moved.carried.pk} now belongs to {moved.carried.unit_id}; "
            f"merged into it: {', '.join(moved.merged) or '-'}; "
            f"new assessments: {', '.join(moved.created) or '-'}"
        )
