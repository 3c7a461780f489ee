"""The installable app: the wheel and dist/repdesk/repdesk (PyInstaller one-folder) ship the
resources, and the built app starts, migrates and quits."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from repdesk import __version__

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "dist" / "repdesk" / ("repdesk.exe" if sys.platform == "win32" else "repdesk")
BUILD_TIMEOUT_S = 15 * 60


def _newest_source() -> float:
    """The newest modification time among what goes into the build."""
    paths = [
        ROOT / "pyproject.toml",
        *(ROOT / "packaging").glob("*.spec"),
        *(ROOT / "packaging").glob("*.sh"),
    ]
    for folder in (ROOT / "repdesk", ROOT / "resources"):
        for path in folder.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                paths.append(path)
    return max(p.stat().st_mtime for p in paths if p.exists())


@pytest.fixture(scope="module")
def built_app() -> Path:
    """dist/repdesk/repdesk, built now unless a build newer than every source file exists."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[dist]', or run `make dist`)")
    if not BINARY.exists() or BINARY.stat().st_mtime < _newest_source():
        build = subprocess.run(
            ["bash", str(ROOT / "packaging" / "build.sh"), sys.executable],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT_S,
        )
        assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return BINARY


def shipped_resources() -> dict[str, bytes]:
    """Every file of the top-level resources/ folder by its path inside it."""
    folder = ROOT / "resources"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_the_checkout_reads_the_top_level_resources() -> None:
    """An editable install (make run, make test) reads resources/ beside repdesk/, as a package."""
    from importlib import resources

    root = resources.files("repdesk.resources")
    found = {name: root.joinpath(*name.split("/")).read_bytes() for name in shipped_resources()}
    assert found == shipped_resources()
    assert {"cadences.json", "icons/repdesk.svg", "scripts/default.repdesk-script"} <= set(found)
    assert not (ROOT / "repdesk" / "resources").exists()


def test_the_wheel_ships_the_resources_inside_the_package(tmp_path: Path) -> None:
    """A wheel built from the checkout holds resources/ as repdesk/resources/, and an install of
    it (with nothing else on the path) reads them through importlib.resources."""
    source = tmp_path / "source"  # a copy: the build writes build/ and egg-info beside setup.py
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("repdesk", "resources"):
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(tmp_path / "wheel"), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    [wheel] = (tmp_path / "wheel").glob("repdesk-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        shipped = {name: archive.read(f"repdesk/resources/{name}") for name in shipped_resources()}
    assert shipped == shipped_resources()
    assert "repdesk/migrations/versions/0001_initial_schema.py" in names
    assert not any(name.startswith("resources/") for name in names)  # no top-level package
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)  # what pip installs: the wheel's files, as they are
    probe = (
        "import json, sys; from importlib import resources;"
        "root = resources.files('repdesk.resources');"
        "print(json.dumps([str(root), json.loads(root.joinpath('cadences.json').read_text())"
        " is not None]))"
    )
    read = subprocess.run(
        [sys.executable, "-S", "-c", probe],  # -S: no site-packages, no editable install
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(target), "PATH": os.environ.get("PATH", "")},
        cwd=tmp_path,
    )
    assert read.returncode == 0, read.stderr[-2000:]
    where, parsed = json.loads(read.stdout)
    assert Path(where) == target / "repdesk" / "resources" and parsed


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QT_LOGGING_RULES="qt.qpa.*=false",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        REPDESK_DATABASE_URL="",
    )
    env.update(extra)
    return env


@pytest.mark.integration
def test_built_app_prints_its_version(built_app: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(built_app), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"repdesk {__version__}"


@pytest.mark.integration
def test_built_app_starts_on_the_demo_workspace_and_quits(built_app: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    started = time.monotonic()
    result = subprocess.run(
        [str(built_app), "--demo", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(tmp_path, REPDESK_QUIT_AFTER_MS="1500"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert time.monotonic() - started < 90
    with sqlite3.connect(db) as conn:  # the shipped migrations ran and the demo leads are there
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() is not None
        assert conn.execute("SELECT count(*) FROM leads").fetchone()[0] > 100


@pytest.mark.integration
def test_built_app_second_launch_hands_over_and_exits(built_app: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite3"
    env = _env(tmp_path, REPDESK_QUIT_AFTER_MS="60000")
    first = subprocess.Popen(
        [str(built_app), "--db", str(db)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _migrated(db):  # the first instance listens before it opens the database
            assert first.poll() is None, first.stderr.read() if first.stderr else ""
            assert time.monotonic() < deadline, "the first instance did not open its database"
            time.sleep(0.2)
        started = time.monotonic()
        second = subprocess.run(
            [str(built_app), "--db", str(db), "tel:+15550100"],
            capture_output=True,
            text=True,
            timeout=50,
            env=env,
        )
        assert second.returncode == 0, second.stderr[-3000:]
        assert time.monotonic() - started < 30  # handed over, not a second 60-second window
        assert first.poll() is None
    finally:
        first.terminate()
        first.wait(timeout=30)


@pytest.mark.integration
def test_built_folder_holds_the_resources_where_the_package_reads_them(built_app: Path) -> None:
    folder = built_app.parent / "_internal" / "repdesk" / "resources"
    found = {
        name: (folder / name).read_bytes()
        for name in shipped_resources()
        if (folder / name).is_file()
    }
    assert found == shipped_resources()


def _migrated(db: Path) -> bool:
    if not db.exists():
        return False
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0] > 0
    except sqlite3.Error:
        return False


def _python_places() -> list[Path]:
    """Every Python on this machine: the interpreter this test runs, the system's, and this
    checkout."""
    import glob
    import shutil

    places = {Path(sys.base_prefix), Path(sys.prefix), ROOT}
    for pattern in (
        "/usr/lib/python3*",
        "/usr/local/lib/python3*",
        "/usr/bin/python3*",
        "/usr/local/bin/python3*",
        "/usr/lib/x86_64-linux-gnu/libpython3*",
        "/root/.pyenv",
    ):
        places.update(Path(p) for p in glob.glob(pattern))
    found = shutil.which("python3")
    if found:
        places.add(Path(found))
    existing = sorted(
        {p.resolve() for p in places if p.exists()} - {Path("/")}
    )  # a link's target is hidden
    return [
        p for p in existing if not any(o != p and o in p.parents for o in existing)
    ]  # outermost only


@pytest.mark.integration
@pytest.mark.skipif(sys.platform != "linux", reason="hides Python with a Linux mount namespace")
def test_built_folder_copied_elsewhere_starts_where_no_python_is_installed(
    built_app: Path, tmp_path: Path
) -> None:
    """The folder is copied away and run in a mount namespace where every Python (the interpreter,
    the system's, the venv and the source checkout) is covered by an empty mount."""
    import shlex
    import shutil

    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare(1) to hide Python in a private mount namespace")
    copy = tmp_path / "copied" / "repdesk"
    shutil.copytree(built_app.parent, copy, symlinks=True)
    hide = []
    for place in _python_places():
        if place.is_dir():
            hide.append(f"mount -t tmpfs -o ro,size=1k none {shlex.quote(str(place))}")
        else:
            hide.append(f"mount --bind /dev/null {shlex.quote(str(place))}")
    db = tmp_path / "demo.sqlite3"
    script = " && ".join(
        [
            *hide,
            # The proof that the hiding worked: no interpreter can start here.
            "! (command -v python3 >/dev/null && python3 -c pass) 2>/dev/null",
            f"! test -e {shlex.quote(str(ROOT / 'repdesk' / '__init__.py'))}",
            f"{shlex.quote(str(copy / built_app.name))} --version",
            f"{shlex.quote(str(copy / built_app.name))} --demo --db {shlex.quote(str(db))}",
        ]
    )
    env = {
        k: v
        for k, v in _env(tmp_path, REPDESK_QUIT_AFTER_MS="1500").items()
        if not k.startswith("PYTHON")
    }
    env["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin"
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[0] == f"repdesk {__version__}"
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM leads").fetchone()[0] > 100
