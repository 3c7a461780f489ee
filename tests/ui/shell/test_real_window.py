"""repdesk in a real window: an X server (Xvfb) and Qt's xcb platform, as a user's desktop runs
it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = pytest.mark.integration


@pytest.fixture
def xvfb_display(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb)")
    for number in range(91, 140):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            break
    else:
        pytest.skip("no free X display number")
    server = subprocess.Popen(
        [binary, f":{number}", "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 15
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            said = server.stderr.read().decode()[-300:] if server.stderr else ""
            pytest.skip(f"Xvfb did not start: {said}")
        time.sleep(0.05)
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_demo_opens_in_a_real_window(xvfb_display: str, tmp_path: Path) -> None:
    shot = tmp_path / "screen.png"
    env = {
        **os.environ,
        "DISPLAY": xvfb_display,
        "QT_QPA_PLATFORM": "xcb",
        "REPDESK_QUIT_AFTER_MS": "4000",
        "REPDESK_SCREENSHOT": str(shot),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "repdesk", "--db", str(tmp_path / "demo.sqlite3"), "--demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1400, 900)
    # A painted window, not an empty screen: the inbox has text, colours and the selected row.
    colours = {image.pixel(x, y) for x in range(0, 1400, 7) for y in range(0, 900, 7)}
    assert len(colours) > 40, f"only {len(colours)} colours on screen"
    if os.environ.get("REPDESK_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["REPDESK_KEEP_SCREENSHOT"])
