"""The app in a uvicorn child process, served as the Dockerfile's CMD serves it, with one
extra slow route. For tests of what only a real server shows: signals, its own log lines."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from app.platform import testing

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = """
import asyncio, sys, uvicorn
from app.main import create_app

app = create_app()

@app.get("/slow")
async def slow() -> None:
    await asyncio.sleep(60)

# log_config=None: the image's uvicorn configures its logging before it imports the app,
# so the app's configuration is the one that counts; here the app came first.
uvicorn.run(
    app, host="127.0.0.1", port=int(sys.argv[1]), timeout_graceful_shutdown=1, log_config=None
)
"""


@dataclass
class Stopped:
    returncode: int
    stderr: str
    seconds: float


class Server:
    def __init__(self, **env: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        inherited = {key: value for key, value in os.environ.items() if key not in testing.CLEARED}
        environment = {**inherited, **testing.environment(), **env}
        self.process = subprocess.Popen(
            [sys.executable, "-c", SCRIPT, str(self.port)],
            cwd=ROOT,
            env=environment,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._wait_until_up(time.monotonic() + 20)

    def _wait_until_up(self, deadline: float) -> None:
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.process.kill()
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)

    def stop(self) -> Stopped:
        """SIGTERM, as Fly sends it (kill_signal), then wait for the exit."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            _, stderr = self.process.communicate(timeout=15)
        finally:
            self.process.kill()
        return Stopped(self.process.returncode, stderr, time.monotonic() - started)

    def stop_while_busy(self) -> Stopped:
        """SIGTERM while a request to /slow is still running."""
        slow = threading.Thread(target=_request_and_ignore_the_outcome, args=(f"{self.url}/slow",))
        slow.start()
        time.sleep(0.5)
        stopped = self.stop()
        slow.join(timeout=5)
        return stopped


def _request_and_ignore_the_outcome(url: str) -> None:
    # Cut off by the graceful timeout: whatever it answers is not what the tests check.
    with contextlib.suppress(OSError):
        urllib.request.urlopen(url, timeout=30).close()
