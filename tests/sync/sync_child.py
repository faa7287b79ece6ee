"""A sync run in a child process, for the kill tests: ``python sync_child.py CONFIG SECRETS``.

Prints ``push`` (flushed) when apply starts and each time writes go out, so the parent can kill it in the middle of apply.
"""

from __future__ import annotations

import datetime as dt
import sys

from wixqb_nb.config_file import load_config
from wixqb_nb.init.sandbox import load_secrets_env
from wixqb_nb.sync.connect import build_clients, state_dir
from wixqb_nb.sync.run import sync_run


def main(config_path: str, secrets: str) -> int:
    env: dict[str, str] = {}
    load_secrets_env(secrets, env)
    config = load_config(config_path)

    def progress(phase: str, n: int, total: int | None) -> None:
        if phase in ("apply", "push"):
            print("push", flush=True)

    with build_clients(config, config_path=config_path, env=env) as c:
        result = sync_run(
            config, wix=c.wix, qbo=c.qbo, now=dt.datetime.now(dt.UTC), on_progress=progress,
            state_dir=state_dir(config, config_path), clock=lambda: dt.datetime.now(dt.UTC), env=env,
        )  # fmt: skip
    print("done", result.exit_code, flush=True)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
