"""``wixqb sync / errors / undo`` end to end against the sandbox (in-process, real HTTP)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wixqb_nb.cli import main
from wixqb_nb.config_file import save_config
from wixqb_nb.sync.lock import RunLock
from wixqb_nb.sync.triage import list_errors


@pytest.fixture
def cli_env(sync_env: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    env = sync_env(orders=12)
    taxes = env.config.taxes
    env.config = env.config.model_copy(
        update={"taxes": taxes.model_copy(update={"mappings": taxes.mappings[1:]})}
    )
    save_config(env.config, env.config_path)  # one Wix tax unmapped: some orders fail
    for name, value in env.env.items():
        monkeypatch.setenv(name, value)
    return env


def test_sync_errors_and_undo_commands(
    cli_env: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(cli_env.config_path)
    reports = str(tmp_path / "reports")
    assert main(["sync", "--config", cfg, "--dry-run", "--no-progress", "--report-dir", reports]) in (0, 1)
    out = capsys.readouterr().out
    assert "dry_run" in out and "planned documents" in out
    assert not cli_env.marked()

    assert main(["sync", "--config", cfg, "--no-progress", "--report-dir", reports]) == 1
    out = capsys.readouterr().out
    assert "orders posted" in out and "fix:" in out
    assert list(Path(reports).glob("wixqb-run-*.xlsx"))

    assert main(["errors", "list", "--config", cfg]) == 0
    listing = capsys.readouterr().out
    assert "open" in listing and "tax" in listing.lower()
    with cli_env.ledger() as ledger:
        first = min(r.id for r in ledger.runs() if not r.dry_run)
        ids = [str(e.id) for e in list_errors(ledger)]
    assert main(["errors", "ignore", ids[0], "--config", cfg]) == 0
    assert "1 error(s) ignored" in capsys.readouterr().out
    assert main(["errors", "retry", "all", "--config", cfg]) == 0
    assert "marked for retry" in capsys.readouterr().out
    assert main(["errors", "retry", "nope", "--config", cfg]) == 2

    assert main(["undo", str(first), "--config", cfg]) == 0
    out = capsys.readouterr().out
    assert "dry run" in out and "--apply" in out and cli_env.marked()
    assert main(["undo", str(first), "--config", cfg, "--apply"]) == 0
    assert not cli_env.marked()


def test_a_second_run_is_refused_with_exit_code_2(cli_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    realm = cli_env.config.connection.qbo_realm_id
    with RunLock(cli_env.state_dir, realm):
        code = main(["sync", "--config", str(cli_env.config_path), "--no-progress"])
    assert code == 2
    assert "another run is in progress" in capsys.readouterr().err
    assert not cli_env.marked()


def test_bad_dates_and_missing_secrets_exit_2(
    cli_env: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = str(cli_env.config_path)
    assert main(["sync", "--config", cfg, "--since", "last tuesday", "--no-progress"]) == 2
    assert "not a date" in capsys.readouterr().err
    monkeypatch.setenv("WIXQB_WIX_API_KEY", "")
    cli_env.config_path.with_name("wixqb.secrets.env").unlink()
    assert main(["sync", "--config", cfg, "--no-progress"]) == 2
    assert "WIXQB_WIX_API_KEY" in capsys.readouterr().err
