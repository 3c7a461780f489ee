#!/usr/bin/env bash
# Build the one-folder app dist/repdesk/ with PyInstaller (installed from PyPI by `make dist`).
# Usage: packaging/build.sh [PYTHON]   (default: .venv/bin/python, else python3)
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-${PYTHON:-}}"
if [[ -z "$PY" ]]; then
  if [[ -x .venv/bin/python ]]; then PY=.venv/bin/python; else PY=python3; fi
fi
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  echo "build: PyInstaller is not installed for $PY; run 'make dist' or pip install '.[dist]'." >&2
  exit 1
fi
start=$(date +%s)
# The icons are committed; render them again only when the SVG is newer than a PNG.
if [[ resources/icons/repdesk.svg -nt resources/icons/repdesk-512.png ]]; then
  QT_QPA_PLATFORM=offscreen "$PY" packaging/render_icons.py >/dev/null
fi
rm -rf dist/repdesk build/repdesk
"$PY" -m PyInstaller --noconfirm --log-level WARN \
  --distpath dist --workpath build packaging/repdesk.spec
# Linux desktop integration files travel with the app folder (copy them to ~/.local/share).
if [[ "$(uname -s)" == Linux ]]; then
  mkdir -p dist/repdesk/share/applications dist/repdesk/share/metainfo
  cp packaging/linux/repdesk.desktop dist/repdesk/share/applications/
  cp packaging/linux/io.repdesk.Repdesk.metainfo.xml dist/repdesk/share/metainfo/
  for size in 16 32 48 64 128 256 512; do
    dir="dist/repdesk/share/icons/hicolor/${size}x${size}/apps"
    mkdir -p "$dir" && cp "resources/icons/repdesk-${size}.png" "$dir/repdesk.png"
  done
  mkdir -p dist/repdesk/share/icons/hicolor/scalable/apps
  cp resources/icons/repdesk.svg dist/repdesk/share/icons/hicolor/scalable/apps/repdesk.svg
fi
"dist/repdesk/repdesk" --version
echo "build: dist/repdesk in $(( $(date +%s) - start )) s, $(du -sh dist/repdesk | cut -f1)"
