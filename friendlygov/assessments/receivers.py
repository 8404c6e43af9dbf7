"""What the assessments area does when another area's event happens."""

from django.dispatch import receiver

from friendlygov.programs.signals import rules_saved

from . import services


@receiver(rules_saved, dispatch_uid="assessments.rules_saved")
def band_again_on_new_rules(sender, program_id, version_id, actor, **kwargs):
    services.band_undecided_again(program_id, actor=actor)
