"""The anonymous client id: `NEMO_CLIENT_ID`, else `~/.config/nemovideo/client_id`.

The file is shared with the vendor's own tools (one line, a UUID), so the backend's limit of
one anonymous token per client is not burnt by each tool asking with a new id.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from agent.errors import StorageError
from agent.store.dirs import AppDirs
from agent.store.files import atomic_write_bytes

MAX_CLIENT_ID_LENGTH = 64


def load_client_id(dirs: AppDirs, env: Mapping[str, str]) -> str:
    """The client id to send as `X-Client-Id`, creating and saving one when none exists."""
    from_env = env.get("NEMO_CLIENT_ID", "").strip()
    if from_env:
        return from_env[:MAX_CLIENT_ID_LENGTH]
    path = dirs.vendor_client_id_file
    try:
        stored = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        stored = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError(f"cannot read the client id in {path}: {exc}", path=str(path)) from exc
    if stored and len(stored) <= MAX_CLIENT_ID_LENGTH and stored.isprintable():
        return stored
    return new_client_id(dirs)


def new_client_id(dirs: AppDirs) -> str:
    """Create a fresh UUID client id and store it (the backend rejected or lost the old one)."""
    client_id = str(uuid.uuid4())
    atomic_write_bytes(dirs.vendor_client_id_file, f"{client_id}\n".encode())
    return client_id
