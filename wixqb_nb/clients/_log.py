"""Structured logging for the clients that never prints a secret.

Everything logs through :data:`logger` (``wixqb_nb.clients``) with :func:`log_event`: an event name and
key=value fields, also attached as ``record.wixqb`` for structured handlers. Two guards keep secrets out:

* fields whose *name* looks secret (authorization, token, api key, client secret, code...) are masked;
* every string that was registered with :func:`register_secret` (API keys, tokens, client secrets as
  they are loaded or received) is replaced by ``***`` wherever it appears in any field or message.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

logger = logging.getLogger("wixqb_nb.clients")

MASK = "***"
_SECRET_KEY = re.compile(
    r"authori[sz]ation|token|api[_-]?key|secret|password|^code$|assertion|cookie", re.IGNORECASE
)
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember ``value`` so it is masked wherever it would appear in a log line (ignores short values)."""
    if value and len(value) >= 6:
        with _secrets_lock:
            _secrets.add(value)


def scrub(text: str) -> str:
    """Replace every registered secret inside ``text`` by the mask."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for s in known:
        if s in text:
            text = text.replace(s, MASK)
    return text


def redact_url(url: str) -> str:
    """Mask secret-looking query parameters (``code``, ``refresh_token``...) and registered secrets."""
    parts = urlsplit(url)
    if parts.query:
        pairs = [
            (k, MASK if _SECRET_KEY.search(k) else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ]
        parts = parts._replace(query=urlencode(pairs, safe="*'"))
    return scrub(urlunsplit(parts))


def redact_value(key: str, value: Any) -> Any:
    """Mask ``value`` when ``key`` names a secret; scrub registered secrets out of strings and mappings."""
    if _SECRET_KEY.search(key):
        return MASK
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {str(k): redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value("", v) for v in value]
    return value


def log_event(level: int, event: str, **fields: Any) -> None:
    """Log ``event key=value ...`` with every field redacted; fields also land in ``record.wixqb``."""
    if not logger.isEnabledFor(level):
        return
    safe = {k: redact_value(k, v) for k, v in fields.items()}
    text = " ".join(f"{k}={v}" for k, v in safe.items())
    logger.log(level, "%s %s", event, text, extra={"wixqb": {"event": event, **safe}})
