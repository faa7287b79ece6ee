"""Fixtures of the proof tests (fuzzing, soak, security).

The sync tests' fixtures (``sync_env``: a sandbox with a config made by ``wixqb init``, helpers to
run and inspect; ``smtp``: a real SMTP server) are reused, not copied: their conftest is loaded
under another name and its fixtures re-exported here. ``proof_support`` holds this folder's helpers.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # --import-mode=importlib: make proof_support importable

_spec = importlib.util.spec_from_file_location("sync_fixtures", HERE.parent / "sync" / "conftest.py")
assert _spec is not None and _spec.loader is not None
sync_fixtures = importlib.util.module_from_spec(_spec)
sys.modules["sync_fixtures"] = sync_fixtures
_spec.loader.exec_module(sync_fixtures)

sync_env = sync_fixtures.sync_env
smtp = sync_fixtures.smtp
SyncEnv = sync_fixtures.SyncEnv
