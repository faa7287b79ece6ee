"""The four notebooks: committed clean, and executed with papermill against the sandbox.

Each papermill run starts a kernel (seconds), so each notebook runs once here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import nbformat
import openpyxl
import papermill
import pytest

from wixqb_nb.cli import main
from wixqb_nb.notebook_run import NOTEBOOKS, notebook_dir, notebook_path, papermill_runner, run_sync_notebook

ROOT = Path(__file__).resolve().parents[2]


def _outputs(nb: Any) -> str:
    """Every text and HTML output of an executed notebook, joined."""
    parts: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(str(out.get("text", "")))
            for key, value in out.get("data", {}).items():
                if key.startswith("text/") or key.endswith("+json"):
                    parts.append(value if isinstance(value, str) else json.dumps(value))
            if out.get("output_type") == "error":
                parts.append(f"{out['ename']}: {out['evalue']}")
    return "\n".join(parts)


def _execute(name: str, tmp_path: Path, **parameters: Any) -> Any:
    out = tmp_path / name
    papermill.execute_notebook(
        str(notebook_path(name)), str(out), parameters=parameters, progress_bar=False, cwd=str(tmp_path)
    )
    return nbformat.read(out, as_version=4)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_are_committed_without_outputs_and_start_with_parameters(name: str) -> None:
    nb = nbformat.read(notebook_path(name), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code[0].metadata.get("tags") == ["parameters"]
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, f"{name}: strip outputs before committing"
        assert "def " not in cell.source, f"{name}: logic belongs in the package"
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_top_level_notebooks_folder_is_the_packaged_one() -> None:
    assert (ROOT / "notebooks").resolve() == notebook_dir().resolve()
    assert sorted(p.name for p in notebook_dir().glob("*.ipynb")) == sorted(NOTEBOOKS)


def _sales_in_qbo(company: Any) -> int:
    dump = company.server.dump_qbo()
    return sum(len(dump.get(e, [])) for e in ("SalesReceipt", "Invoice"))


def test_preview_notebook_plans_the_period_and_writes_nothing(company: Any, tmp_path: Path) -> None:
    before = _sales_in_qbo(company)
    nb = _execute("02_preview.ipynb", tmp_path, config=str(company.config), status="planned")
    text = _outputs(nb)
    assert "predicted_qbo_total" in text and "WX-" in text
    assert "section" in text and "QBO total" in text  # the explain table of one order
    assert _sales_in_qbo(company) == before


def test_rounding_notebook_shows_rates_cents_and_plots(company: Any, tmp_path: Path) -> None:
    nb = _execute("04_rounding_tax.ipynb", tmp_path, config=str(company.config))
    text = _outputs(nb)
    assert "qbo_tax_by_line" in text and "qbo_tax_by_total" in text
    assert "orders explained" in text
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert images, "the residual plots are missing"


def test_configure_notebook_shows_the_wizard(company: Any, tmp_path: Path) -> None:
    nb = _execute("01_configure.ipynb", tmp_path, config_path=str(company.config), language="fr")
    views = [
        o
        for c in nb.cells
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert views, "the wizard widget was not displayed"
    assert "error" not in {o.get("output_type") for c in nb.cells for o in c.get("outputs", [])}


def test_wixqb_run_syncs_into_a_report_folder_without_secrets(company: Any, tmp_path: Path) -> None:
    code = main(["run", "--config", str(company.config), "--reports", str(tmp_path / "reports")])
    folders = list((tmp_path / "reports").iterdir())
    assert len(folders) == 1
    folder = folders[0]
    executed = folder / "03_sync.ipynb"
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert code == 0, run
    assert run["reconciliation"] == "passed" and run["orders_posted"] > 0
    assert _sales_in_qbo(company) >= run["orders_posted"] - run.get("orders_failed", 0)
    workbook = Path(run["workbook"])
    assert workbook.parent == folder and workbook.suffix == ".xlsx"
    wb = openpyxl.load_workbook(workbook)
    assert {"Summary", "Documents", "Discrepancies"} <= set(wb.sheetnames)
    documents = wb["Documents"]
    assert documents.max_row - 1 >= run["orders_posted"]
    text = executed.read_text(encoding="utf-8")
    assert "passed" in text and "image/png" in text
    for secret in company.secrets():
        assert secret and secret not in text, "a secret leaked into the executed notebook"
        assert secret not in (folder / "run.json").read_text(encoding="utf-8")

    # Again, nothing changed in Wix: the incremental run posts nothing and still passes.
    runner = papermill_runner(tmp_path / "reports")  # what `wixqb schedule` calls every interval
    assert runner(company.config, dt.datetime.now(dt.UTC)) == 0
    latest = max((tmp_path / "reports").iterdir())
    again = json.loads((latest / "run.json").read_text(encoding="utf-8"))
    assert latest != folder and again.get("orders_posted", 0) == 0 and again["exit_code"] == 0


def test_a_failed_run_raises_so_papermill_exits_non_zero(
    company: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wixqb_nb.sync.connect import secrets_file_for

    monkeypatch.delenv("WIXQB_WIX_API_KEY")
    secrets = secrets_file_for(company.config)  # the sandbox's secrets file would supply the key
    secrets.rename(secrets.with_suffix(".away"))
    try:
        run = run_sync_notebook(company.config, now=dt.datetime.now(dt.UTC), report_root=tmp_path)
    finally:
        secrets.with_suffix(".away").rename(secrets)
    assert run.exit_code == 2
    assert run.error.startswith("ConfigError") and "WIXQB_WIX_API_KEY" in run.error
    executed = nbformat.read(run.notebook, as_version=4)
    assert "ConfigError" in _outputs(executed)


def test_bad_parameters_are_refused_before_anything_runs(company: Any, tmp_path: Path) -> None:
    with pytest.raises(papermill.PapermillExecutionError, match="not an ISO date"):
        _execute("03_sync.ipynb", tmp_path, config=str(company.config), since="last tuesday")
    assert os.environ.get("WIXQB_WIX_API_KEY")


def test_preview_after_a_sync_knows_what_is_already_posted(company: Any) -> None:
    from wixqb_nb.ui.preview import preview_period

    # runs after test_wixqb_run_syncs... (same module company): every synced order is now in the ledger
    pv = preview_period(company.config, now=dt.datetime.now(dt.UTC))
    docs = pv.documents_frame()
    assert (docs["status"] == "unchanged").sum() > 0
    assert pv.documents_frame(status="planned").empty
    assert set(pv.documents_frame(module="stores")["module"]) == {"stores"}
