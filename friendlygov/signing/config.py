"""The deployment's signing configuration, read from settings at each use (tests change it)."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Token:
    """A key on a PKCS#11 token: the module (the token's driver), the token's label, its PIN and
    the label of the key and its certificate on it."""

    module: str
    label: str
    pin: str
    key_label: str


def _token(prefix: str) -> Token | None:
    module = settings.SIGNING_PKCS11_MODULE
    label = getattr(settings, f"SIGNING_{prefix}_TOKEN")
    if not (module and label):
        return None
    return Token(
        module=module,
        label=label,
        pin=getattr(settings, f"SIGNING_{prefix}_PIN"),
        key_label=getattr(settings, f"SIGNING_{prefix}_KEY"),
    )


def agency_token() -> Token | None:
    """The issuing agency's key (its seal), applied by the server at issuance; None: not set up."""
    return _token("AGENCY")


def person_token() -> Token | None:
    """The competent person's key when the deployment holds it on a server token; None: the
    person signs outside the product and uploads the signed file."""
    return _token("PERSON")


def trust_roots_pem() -> bytes:
    path = settings.SIGNING_TRUST_ROOTS
    return Path(path).read_bytes() if path else b""


def crls() -> list[bytes]:
    return [Path(path).read_bytes() for path in settings.SIGNING_CRLS]
