"""`wixqb init` and `wixqb demo` against the embedded sandbox (real HTTP, real papermill)."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from wixqb_nb.cli import main
from wixqb_nb.config_file import load_config
from wixqb_nb.demo import DemoRun, describe, run_demo
from wixqb_nb.init.sandbox import SECRET_VARS
from wixqb_nb.sandbox import SandboxServer


def test_wixqb_init_writes_a_valid_config_and_private_token_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cfg" / "wixqb.toml"
    with SandboxServer(profile="ca-qc", orders=60, seed=3, limits=False) as sb:
        code = main(["init", "--sandbox", sb.url, "--out", str(out)])
        creds = sb.credentials
    assert code == 0, capsys.readouterr().err
    config = load_config(out, today=dt.date.today())
    assert config.connection.qbo_realm_id == creds.realm_id
    assert config.connection.wix_base_url.endswith("/wix") and config.items.allow_create
    token_file = Path(config.connection.token_file)
    secrets_file = out.with_name("wixqb.secrets.env")
    for private in (token_file, secrets_file):
        assert stat.S_IMODE(private.stat().st_mode) == 0o600, private
    text = out.read_text(encoding="utf-8")
    for secret in (creds.wix_api_key, creds.client_secret, creds.client_id):
        assert secret not in text
    assert f"WIXQB_WIX_API_KEY={creds.wix_api_key}" in secrets_file.read_text(encoding="utf-8")
    assert "taxes mapped" in capsys.readouterr().out


@pytest.fixture(scope="module")
def two_demo_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoRun, DemoRun, Path]:
    """`wixqb demo` twice in a fresh folder: the first run, then "the next hour"."""
    tmp = tmp_path_factory.mktemp("demo")
    saved = {k: os.environ.get(k) for k in SECRET_VARS}
    runs = []
    try:
        for _ in range(2):
            runs.append(
                run_demo(
                    now=lambda: dt.datetime.now(dt.UTC),
                    root=tmp / ".wixqb" / "demo",
                    reports=tmp / "reports",
                    port=0,
                    orders=120,
                    echo=lambda _line: None,
                )
            )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return runs[0], runs[1], tmp


def test_demo_first_run_ends_in_a_passing_report(two_demo_runs: tuple[DemoRun, DemoRun, Path]) -> None:
    demo, _, tmp = two_demo_runs
    assert demo.first and demo.run.exit_code == 0, demo.run.error
    assert demo.run.workbook is not None and demo.run.workbook.parent == demo.run.notebook.parent
    assert demo.run.summary is not None and demo.run.summary["reconciliation"] == "passed"
    assert (tmp / ".wixqb" / "demo" / "sandbox.json").is_file()
    printed = "\n".join(describe(demo))
    assert str(demo.run.notebook) in printed and "wixqb sandbox serve --state" in printed


def test_demo_second_run_syncs_the_next_hour_incrementally(
    two_demo_runs: tuple[DemoRun, DemoRun, Path],
) -> None:
    first, again, _ = two_demo_runs
    assert not again.first and again.changes["new_orders"] >= 1 and again.changes["updated_orders"] >= 1
    assert again.run.notebook.parent != first.run.notebook.parent
    assert again.run.summary is not None
    seen = again.run.summary["orders_seen"]
    assert 1 <= seen <= again.changes["new_orders"] + again.changes["updated_orders"] + 2
    assert again.run.summary["orders_posted"] >= again.changes["new_orders"]


def test_demo_second_run_reconciles(two_demo_runs: tuple[DemoRun, DemoRun, Path]) -> None:
    _, again, _ = two_demo_runs
    assert again.run.exit_code == 0, f"{again.run.error}: {again.run.summary}"
