"""Run the real `factbot` command in a subprocess, as an operator would, and read what it prints."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def _without_root_file_powers() -> None:
    """In the child: file permissions apply even to root (tests may run as root in CI containers)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop root's file capabilities")


def permissions_are_enforced() -> bool:
    """Whether a child process is refused a file its mode forbids (false as root that cannot drop powers)."""
    if os.geteuid() != 0:
        return True
    try:
        subprocess.run(["true"], preexec_fn=_without_root_file_powers, check=True)
    except (subprocess.SubprocessError, OSError):
        return False
    return True


def base_env(home: Path, **variables: str) -> dict[str, str]:
    """A clean environment: no FACTBOT_ variables but the given ones, no proxies for 127.0.0.1."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "NO_PROXY": "127.0.0.1,localhost",
        "LC_ALL": "C.UTF-8",
        "PYTHONUTF8": "0",
        **variables,
    }


def factbot(
    *args: str,
    env: dict[str, str],
    cwd: Path,
    stdin: bytes | None = None,
    preexec: Callable[[], None] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS…` with file permissions enforced; returns code, stdout and stderr."""

    def prepare() -> None:
        _without_root_file_powers()
        if preexec is not None:
            preexec()

    result = subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, env=env, cwd=cwd,
        timeout=timeout, preexec_fn=prepare,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    )


def outputs_under_hash_seeds(code: str, seeds: tuple[str, ...] = ("0", "1", "12345")) -> set[str]:
    """What `python -c code` prints under each `PYTHONHASHSEED`: one output means the answers never depend on it."""
    outputs = set()
    for seed in seeds:
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.add(run.stdout)
    return outputs
