"""The wizard in a real browser: JupyterLab serves 01_configure.ipynb to headless Chromium (Playwright).

A field is filled, Save is clicked, the config file changes; the screenshot is kept under
``reports/test-artifacts/``. Skipped only when Debian's chromium is not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import papermill
import pytest

from wixqb_nb.notebook_run import notebook_path

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "reports" / "test-artifacts"
EXAMPLE = ROOT / "examples" / "config.example.toml"
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """JupyterLab on a free port, rooted in ``tmp_path``, holding the wizard notebook and a config."""
    config = tmp_path / "config.toml"
    shutil.copy(EXAMPLE, config)
    papermill.execute_notebook(
        str(notebook_path("01_configure.ipynb")),
        str(tmp_path / "wizard.ipynb"),
        parameters={"config_path": str(config), "language": "en"},
        prepare_only=True,
    )
    port, token = _free_port(), "wixqb-browser-test"
    cmd = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={tmp_path}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/status", params={"token": token}).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start: " + (tmp_path / "lab.log").read_text())
            time.sleep(0.2)
        yield f"{base}/lab/tree/wizard.ipynb?token={token}", config
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _accept_kernel_dialog(page: Any) -> None:
    """JupyterLab sometimes asks which kernel to start: take the proposed one (python3)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.locator(".jp-Dialog .jp-mod-accept").click(timeout=8_000)
    except PlaywrightTimeout:
        pass  # no dialog: the notebook's kernelspec was started directly


def test_fill_a_field_and_save_in_jupyterlab(lab: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    url, config = lab
    before = config.read_text(encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.goto(url)
            page.wait_for_selector(".jp-Notebook", timeout=90_000)
            _accept_kernel_dialog(page)
            page.locator(".jp-StatusBar-TextItem", has_text="Idle").first.wait_for(timeout=90_000)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            field = page.locator(".widget-hbox", has=page.locator("b", has_text="Wix site id")).locator(
                "input"
            )
            try:
                field.wait_for(timeout=90_000)
            except Exception:
                page.screenshot(path=str(ARTIFACTS / "wizard-jupyterlab-failed.png"), full_page=True)
                raise
            field.fill("site-typed-in-the-browser")
            field.press("Tab")
            page.locator("button", has_text="Save").click()
            deadline = time.monotonic() + 30
            while "site-typed-in-the-browser" not in config.read_text(encoding="utf-8"):
                assert time.monotonic() < deadline, "Save did not write the config file"
                time.sleep(0.1)
            page.locator("text=Saved:").wait_for(timeout=10_000)
            page.screenshot(path=str(ARTIFACTS / "wizard-jupyterlab.png"), full_page=True)
        finally:
            browser.close()
    after = config.read_text(encoding="utf-8")
    assert after != before
    assert 'wix_site_id = "site-typed-in-the-browser"' in after
    assert "# Wix order 1234 becomes WX-1234" in after  # the user's comments survive
