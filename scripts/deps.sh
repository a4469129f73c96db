#!/usr/bin/env bash
# Installs what building and testing Pishkhan needs on Debian/Ubuntu, and only
# what is missing: a C compiler for cgo (go-sqlite3, Fyne) and the X11/GL
# headers Fyne's window needs. Uses sudo only when not root. Go itself must be
# 1.26 or newer; Go modules come through the module proxy on first build.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_go="1.26"
if ! find_go; then
  echo "deps: Go $need_go or newer is needed (https://go.dev/dl/); none found on PATH" >&2
  exit 1
fi
have=$(go env GOVERSION | sed 's/^go//')
if [ "$(printf '%s\n%s\n' "$need_go" "$have" | sort -V | head -1)" != "$need_go" ]; then
  echo "deps: Go $need_go or newer is needed, found $have" >&2
  exit 1
fi

# libfribidi-bin: the reference (fribidi) that the tests of persian.Shape and persian.Visual compare against.
# pango1.0-tools: pango-view, the reference renderer the window's right-to-left tests compare against.
# poppler-utils: pdftotext, pdftoppm and pdfinfo, which the report tests read the PDFs with.
# xvfb, xauth, imagemagick: a display for the test that opens the real window, and `import` to screenshot it.
pkgs=(gcc libc6-dev pkg-config libgl-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libfribidi-bin pango1.0-tools xvfb xauth x11-utils imagemagick poppler-utils)
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "deps: not a Debian/Ubuntu system; make sure a C compiler and the X11/GL headers are installed" >&2
  exit 0
fi
need_pkgs deps "${pkgs[@]}"
