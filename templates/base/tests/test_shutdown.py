"""SIGTERM with a request still running: the server stops within its graceful timeout, and
that timeout leaves the app's shutdown time to run before Fly kills the Machine."""

import re
import signal
import tomllib

from tests.server import ROOT, Server


def test_the_graceful_timeout_leaves_room_before_kill_timeout() -> None:
    cmd = re.search(r"^CMD .*", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert cmd is not None
    graceful = re.search(r'"--timeout-graceful-shutdown", "(\d+)"', cmd.group())
    assert graceful is not None, "without it uvicorn waits for requests forever"
    kill_timeout = tomllib.loads((ROOT / "fly.toml").read_text())["kill_timeout"]
    assert int(graceful.group(1)) <= kill_timeout - 3


def test_a_slow_request_does_not_stop_a_clean_exit() -> None:
    stopped = Server().stop_while_busy()

    # uvicorn re-raises the signal once it has shut down cleanly.
    assert stopped.returncode in (0, -signal.SIGTERM), stopped.stderr
    assert stopped.seconds < 5, f"took {stopped.seconds:.1f} s"
    assert "Waiting for application shutdown" in stopped.stderr
    assert "Application shutdown complete" in stopped.stderr
