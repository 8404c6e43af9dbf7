"""Signed checkpoints of the chain's head, kept outside the database.

A chain checks itself, but it cannot tell that its newest events were cut off, nor (without the
key) tell a rebuilt chain from the original. A checkpoint is the head (position and hash) at a
moment, signed with the audit key and written to a folder that is not in the database (copy it
off the machine with the backups, or mount it from elsewhere). `verify_audit` compares the chain
with the newest checkpoint: the event at that position must still carry that hash.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import keys


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read or whose signature does not hold."""


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    written_at: str
    path: Path


def _signature(key: bytes, sequence: int, hash_: str, written_at: str) -> str:
    message = f"checkpoint\n{sequence}\n{hash_}\n{written_at}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def write(folder: str | Path, sequence: int, hash_: str) -> Checkpoint:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written_at = datetime.now(UTC).isoformat(timespec="microseconds")
    key_id, key = keys.current()
    body = {
        "sequence": sequence,
        "hash": hash_,
        "written_at": written_at,
        "key_id": key_id,
        "signature": _signature(key, sequence, hash_, written_at),
    }
    # Named by time, so that the newest sorts last; written aside and renamed, so that a reader
    # never sees half a file.
    path = folder / f"audit-head-{written_at.replace(':', '').replace('+0000', 'Z')}.json"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    partial.replace(path)
    return Checkpoint(sequence, hash_, written_at, path)


def read(path: Path) -> Checkpoint:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        sequence, hash_, written_at = int(body["sequence"]), str(body["hash"]), str(body["written_at"])
        key = keys.all_keys().get(body["key_id"])
        signature = str(body["signature"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"{path.name}: not a readable checkpoint ({exc})") from exc
    if key is None:
        raise CheckpointError(f"{path.name}: signed with a key that is not configured ({body['key_id']})")
    if not hmac.compare_digest(signature, _signature(key, sequence, hash_, written_at)):
        raise CheckpointError(f"{path.name}: its signature does not hold")
    return Checkpoint(sequence, hash_, written_at, path)


def newest(folder: str | Path) -> Checkpoint | None:
    """The newest checkpoint in `folder`, its signature checked; None when there is none."""
    paths = sorted(Path(folder).glob("audit-head-*.json")) if folder else []
    return read(paths[-1]) if paths else None
