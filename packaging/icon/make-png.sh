#!/usr/bin/env bash
# Renders pishkhan.svg to the 512×512 pishkhan.png that FyneApp.toml names
# (and that `fyne package` puts in share/pixmaps and bakes into the binary).
# Needs rsvg-convert (Debian: librsvg2-bin); installs it when missing.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v rsvg-convert >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends librsvg2-bin
fi
rsvg-convert -w 512 -h 512 pishkhan.svg -o pishkhan.png
echo "wrote $(pwd)/pishkhan.png"
