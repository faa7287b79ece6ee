"""The marker written on every QBO document we post, DocNumbers and idempotency keys (docs/CONTRACTS.md).

``PrivateNote`` carries ``[wixqb:{order_id}:{kind}:{source_id}]``; this module is the only place that
formats or parses it. Wix ids are GUIDs (no ``:`` or ``]``), so the marker needs no escaping; any such
character in an id is replaced by ``_`` to keep the marker parseable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wixqb_nb.config import QBO_DOC_NUMBER_MAX

KINDS = ("sale", "payment", "refund")
_MARKER_RE = re.compile(r"\[wixqb:([^:\]\s]+):(sale|payment|refund):([^:\]\s]+)\]")
_UNSAFE = re.compile(r"[:\]\[\s]")


@dataclass(frozen=True)
class Marker:
    """A parsed marker: which Wix order, what kind of document, and which Wix object it records."""

    order_id: str
    kind: str
    source_id: str

    def __str__(self) -> str:
        return format_marker(self.order_id, self.kind, self.source_id)


def _safe(value: str) -> str:
    if value and _UNSAFE.search(value) is None:
        return value
    return _UNSAFE.sub("_", value) or "_"


def format_marker(order_id: str, kind: str, source_id: str) -> str:
    """``[wixqb:{order_id}:{kind}:{source_id}]``; ``kind`` is sale, payment or refund."""
    if kind not in KINDS:
        raise ValueError(f"unknown marker kind {kind!r}")
    return f"[wixqb:{_safe(order_id)}:{kind}:{_safe(source_id)}]"


def parse_markers(text: str | None) -> list[Marker]:
    """Every marker in ``text`` (a PrivateNote), in order."""
    return [Marker(*m.groups()) for m in _MARKER_RE.finditer(text or "")]


def parse_marker(text: str | None) -> Marker | None:
    """The first marker in ``text``, or ``None``."""
    found = parse_markers(text)
    return found[0] if found else None


def sale_doc_number(prefix: str, separator: str, number: str) -> str:
    """``WX-1234``; the bare number when there is no prefix. May exceed 21 chars: check with
    :func:`fits`."""
    return f"{prefix}{separator}{number}" if prefix else number


def refund_doc_number(refund_prefix: str, sale_number: str, index: int) -> str:
    """``C`` + ``WX-1234`` + ``-01``: the refund prefix, the sale's number and a 2-digit counter."""
    return f"{refund_prefix}{sale_number}-{index:02d}"


def fits(doc_number: str) -> bool:
    """Whether QBO accepts ``doc_number`` (at most 21 characters)."""
    return len(doc_number) <= QBO_DOC_NUMBER_MAX


def idempotency_key(realm: str, order_id: str, kind: str, source_id: str, revision: int) -> str:
    """``{realm}:{order_id}:{kind}:{source_id}:r{revision}`` (the client derives ``requestid`` from it)."""
    return f"{realm}:{order_id}:{kind}:{source_id}:r{revision}"
