"""Demo store generator and QBO company seed for the sandbox (issue 3, item 7).

``generate_store`` makes a Wix store in Wix's own REST shapes, deterministic by seed, whose
orders add up the way Wix adds them up and cover the edge cases a sync must handle;
``company_seed`` makes the matching QBO company; ``advance_store`` makes the store move on for a
second run; ``known_cases`` says which orders exercise which case. Shares no code with the
product (mapping, clients, sync, reconcile); only :mod:`wixqb_nb.money` is imported.
"""

from __future__ import annotations

from .cases import known_cases
from .company import company_seed
from .store import advance_store, generate_store, iter_store, write_store

__all__ = [
    "advance_store",
    "company_seed",
    "generate_store",
    "iter_store",
    "known_cases",
    "write_store",
]
