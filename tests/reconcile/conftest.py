"""Fixtures of the reconciliation tests; the case builders live in ``recon_cases.py``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # --import-mode=importlib: make recon_cases importable

from recon_cases import Store, build_store  # noqa: E402


@pytest.fixture
def store() -> Store:
    """A fresh copy of the clean case."""
    return build_store()
