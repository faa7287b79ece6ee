"""A sandbox company with a config written by `wixqb init`, for the notebook tests (module scope)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from wixqb_nb.init.sandbox import SECRET_VARS, InitResult, init_sandbox, load_secrets_env
from wixqb_nb.sandbox import SandboxServer

ORDERS = 120
SEED = 5


@dataclass
class Company:
    """A running sandbox and the files `wixqb init` wrote for it."""

    server: SandboxServer
    init: InitResult
    folder: Path

    @property
    def config(self) -> Path:
        return self.init.config_path

    def secrets(self) -> list[str]:
        """Every secret the run may touch (app keys and the current tokens)."""
        creds = self.server.credentials
        tokens = self.init.token_file.read_text(encoding="utf-8")
        import json

        data = json.loads(tokens)
        return [creds.wix_api_key, creds.client_secret, data["access_token"], data["refresh_token"]]


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Company]:
    folder = tmp_path_factory.mktemp("company")
    saved = {k: os.environ.get(k) for k in SECRET_VARS}
    with SandboxServer(profile="ca-qc", orders=ORDERS, seed=SEED, limits=False) as server:
        result = init_sandbox(server.url, folder / "config.toml", now=dt.datetime.now(dt.UTC))
        load_secrets_env(result.secrets_file)  # the papermill kernels inherit the environment
        try:
            yield Company(server, result, folder)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
