"""Reading and writing the configuration file (TOML), keeping the user's comments.

Saving merges the new values into the parsed document instead of writing a fresh one, so
comments, key order and blank lines a user put in the file survive a load/save round trip.
Money and rates are written as strings (``rounding_max = "0.05"``): TOML numbers are floats.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, InlineTable, Table

from wixqb_nb.config import Config, require_valid, validate_data
from wixqb_nb.errors import ConfigError


def read_data(path: str | Path) -> dict[str, Any]:
    """Parse the TOML file at ``path`` into plain data.

    Raises
    ------
    ConfigError
        When the file is missing or is not valid TOML (with the line and column).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {p}") from exc
    try:
        return tomlkit.parse(text).unwrap()
    except TOMLKitError as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from exc


def load_config(path: str | Path, *, today: dt.date | None = None) -> Config:
    """Load and validate the config at ``path``; raise :class:`ConfigError` listing every problem."""
    return require_valid(read_data(path), today=today, source=str(path))


def problems_in(path: str | Path, *, today: dt.date | None = None) -> list[str]:
    """Every problem of the config file at ``path`` (empty when it is valid)."""
    try:
        data = read_data(path)
    except ConfigError as exc:
        return [str(exc)]
    return validate_data(data, today=today)[1]


def save_config(config: Config, path: str | Path) -> Path:
    """Write ``config`` to ``path`` atomically, keeping comments of an existing file."""
    p = Path(path)
    doc = tomlkit.parse(p.read_text(encoding="utf-8")) if p.exists() else _new_document()
    _merge(doc, config.to_data())
    _atomic_write(p, tomlkit.dumps(doc))
    return p


def dumps_config(config: Config) -> str:
    """The TOML text of ``config`` (a fresh document)."""
    doc = _new_document()
    _merge(doc, config.to_data())
    return tomlkit.dumps(doc)


def json_schema() -> str:
    """The JSON schema of the configuration (``wixqb config schema``)."""
    return json.dumps(Config.model_json_schema(), indent=2, sort_keys=True)


def _new_document() -> tomlkit.TOMLDocument:
    doc = tomlkit.document()
    doc.add(tomlkit.comment("wixqb-nb configuration. Secrets never go here: see the README (Secrets)."))
    return doc


def _merge(container: Any, data: dict[str, Any], depth: int = 0) -> None:
    for key in [k for k in list(container.keys()) if k not in data]:
        del container[key]
    for key, value in data.items():
        if isinstance(value, dict):
            existing = container.get(key)
            if not isinstance(existing, Table | InlineTable):
                inline = depth > 0 and all(not isinstance(v, dict | list) for v in value.values())
                container[key] = tomlkit.inline_table() if inline else tomlkit.table()
            _merge(container[key], value, depth + 1)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            existing = container.get(key)
            if isinstance(existing, AoT) and len(existing) == len(value):
                for table, item in zip(existing, value, strict=True):
                    _merge(table, item, depth + 1)
                continue
            aot = tomlkit.aot()
            for item in value:
                table = tomlkit.table()
                _merge(table, item, depth + 1)
                aot.append(table)
            container[key] = aot
        elif container.get(key) != value or type(container.get(key)) is not type(value):
            container[key] = value


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
