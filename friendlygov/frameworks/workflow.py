"""The states of a framework version and the allowed transitions, in one table."""

from .models import FrameworkVersion

Status = FrameworkVersion.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.PUBLISHED},
    Status.PUBLISHED: set(),  # immutable: a change is a new version
}


class TransitionRefused(Exception):
    pass


def check_transition(version: FrameworkVersion, target: str) -> None:
    if target not in TRANSITIONS[version.status]:
        raise TransitionRefused(f"{version} cannot go from {version.status} to {target}")
