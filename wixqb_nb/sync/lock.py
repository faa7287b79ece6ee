"""One run at a time per QBO company.

The lock is an OS file lock (:mod:`filelock`, ``flock`` on POSIX) on ``{state_dir}/run-{realm}.lock``,
held for the whole run. The OS drops it when the holding process dies, however it dies (SIGKILL
included), so a killed run never leaves a lock that needs a human: the next run simply gets it.
Next to the lock, ``run-{realm}.owner.json`` says who holds it (pid, host, since when, what), so a
refused run can tell the user which process to wait for; a leftover owner file whose lock is free
is reported as a recovered stale lock.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import socket
from pathlib import Path
from types import TracebackType
from typing import Any

import filelock

from wixqb_nb.errors import RunLockedError

log = logging.getLogger(__name__)


def _paths(state_dir: str | Path, realm_id: str) -> tuple[Path, Path]:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", realm_id) or "default"
    base = Path(state_dir)
    return base / f"run-{safe}.lock", base / f"run-{safe}.owner.json"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    """The run lock of one company: ``with RunLock(state_dir, realm, purpose="sync"):``.

    Parameters
    ----------
    state_dir, realm_id
        Where the lock lives and which company it guards.
    purpose
        A word for the owner file and the refusal message (``sync``, ``undo``...).
    now
        When the lock is taken (recorded in the owner file).

    Raises
    ------
    RunLockedError
        On enter, at once, when another process holds the lock.
    """

    def __init__(
        self, state_dir: str | Path, realm_id: str, *, purpose: str = "sync", now: dt.datetime | None = None
    ) -> None:
        self.lock_path, self.owner_path = _paths(state_dir, realm_id)
        self.realm_id = realm_id
        self.purpose = purpose
        self.now = now
        self.recovered_from: dict[str, Any] | None = None
        self._lock = filelock.FileLock(str(self.lock_path), timeout=0)

    def owner(self) -> dict[str, Any] | None:
        """What the owner file says (None when absent or unreadable)."""
        try:
            data = json.loads(self.owner_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def acquire(self) -> None:
        """Take the lock or raise :class:`RunLockedError` at once."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout as exc:
            raise RunLockedError(self._refusal()) from exc
        previous = self.owner()
        if previous and previous.get("pid") != os.getpid():
            # The OS released the lock of a process that ended without cleaning up: recovered.
            self.recovered_from = previous
            log.warning(
                "recovered a stale run lock of company %s left by pid %s (%s since %s)",
                self.realm_id,
                previous.get("pid"),
                previous.get("purpose"),
                previous.get("since"),
            )
        when = (self.now or dt.datetime.now(dt.UTC)).isoformat()
        owner = {"pid": os.getpid(), "host": socket.gethostname(), "purpose": self.purpose, "since": when}
        tmp = self.owner_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(owner), encoding="utf-8")
        tmp.replace(self.owner_path)

    def release(self) -> None:
        """Remove the owner file and release the lock."""
        try:
            self.owner_path.unlink(missing_ok=True)
        finally:
            self._lock.release()

    def _refusal(self) -> str:
        owner = self.owner() or {}
        who = ""
        if owner:
            pid = owner.get("pid")
            state = "running" if isinstance(pid, int) and _pid_alive(pid) else "state unknown"
            who = (
                f" (pid {pid} on {owner.get('host', '?')}, {owner.get('purpose', 'run')} since "
                f"{owner.get('since', '?')}, {state})"
            )
        return (
            f"another run is in progress for QBO company {self.realm_id}{who}; "
            f"this run did nothing. Wait for it to finish (lock: {self.lock_path})."
        )

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()
