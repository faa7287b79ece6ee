"""One run at a time per company; a killed run's lock is recovered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from wixqb_nb.errors import RunLockedError
from wixqb_nb.sync.lock import RunLock


def test_a_second_lock_is_refused_at_once_with_who_holds_it(tmp_path: Path) -> None:
    with RunLock(tmp_path, "realm-1", purpose="sync"):
        with pytest.raises(RunLockedError) as info:
            RunLock(tmp_path, "realm-1").acquire()
        assert f"pid {os.getpid()}" in str(info.value)
        assert "realm-1" in str(info.value)
        assert info.value.exit_code == 2
        # another company is not blocked
        with RunLock(tmp_path, "realm-2"):
            pass
    with RunLock(tmp_path, "realm-1") as again:  # released on exit
        assert again.recovered_from is None


def test_the_lock_of_a_killed_process_is_recovered(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from wixqb_nb.sync.lock import RunLock
        lock = RunLock({str(tmp_path)!r}, "realm-1", purpose="sync")
        lock.acquire()
        print("held", flush=True)
        time.sleep(60)
        """
    )
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
            with pytest.raises(RunLockedError, match=f"pid {proc.pid}"):
                RunLock(tmp_path, "realm-1").acquire()
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    with RunLock(tmp_path, "realm-1") as lock:
        assert lock.recovered_from is not None and lock.recovered_from["pid"] == proc.pid
