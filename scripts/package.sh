#!/usr/bin/env bash
# Packages Pishkhan with the fyne CLI (fyne.io/tools) for Linux:
#   bin/pishkhan-VERSION-linux-ARCH.tar.xz
# holding pishkhan/usr/local/bin/pishkhan, the ir.pishkhan.desk.desktop entry,
# the icon in share/pixmaps and fyne's Makefile (`make user-install`, or
# `sudo make install`, in the unpacked pishkhan/ folder).
#
# Usage: [VERSION=x.y.z] scripts/package.sh [linux]
#
# VERSION defaults to FyneApp.toml's; it goes into `pishkhan version` and the
# app metadata alike.
#
# Installs what is missing, like scripts/deps.sh: the build dependencies, the
# fyne CLI (into bin/), desktop-file-utils and xz-utils. The metadata comes from
# FyneApp.toml; fyne bakes the name, id, version and icon into the binary, so
# the window has the app icon. The build is fyne's: release mode (-s -w,
# -trimpath, the "release" tag) with hardened C flags, so its cgo packages are
# not shared with `make build`'s cache: the first run takes minutes.
#
# fyne reads FyneApp.toml only from the folder it builds and writes Build+1
# back into it, so it builds a copy of cmd/pishkhan (tests left out) in
# bin/_package/: the repository is left as it was, and `go ... ./...` does not
# see the copy (a folder starting with "_").
set -euo pipefail

target="${1:-linux}"
if [ "$target" != "linux" ]; then
  echo "package: only 'linux' is supported, not '$target'" >&2
  exit 2
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
fyne_tools_version="v1.7.4" # fyne.io/tools; its CLI packages fyne.io/fyne/v2 v2.7.x
start=$(date +%s)

source scripts/lib.sh
bash scripts/deps.sh
find_go

# Debian packages for checking and packing: desktop-file-validate, xz.
need_pkgs package desktop-file-utils xz-utils

# The fyne CLI, pinned, in bin/.
fyne="$root/bin/fyne"
if ! "$fyne" version 2>/dev/null | grep -q "cli version: $fyne_tools_version\$"; then
  echo "package: installing the fyne CLI $fyne_tools_version into bin/" >&2
  GOBIN="$root/bin" go install "fyne.io/tools/cmd/fyne@$fyne_tools_version"
fi

version="${VERSION:-$(awk -F'"' '/^Version/ {print $2}' FyneApp.toml)}"
id=$(awk -F'"' '/^ID/ {print $2}' FyneApp.toml)
arch=$(go env GOARCH)
if [ -z "$version" ] || [ -z "$id" ]; then
  echo "package: FyneApp.toml needs Version (or set VERSION) and ID in [Details]" >&2
  exit 1
fi

# The copy that fyne builds: cmd/pishkhan without its tests, and FyneApp.toml
# with the icon's path made absolute.
stage="$root/bin/_package"
src="$stage/pishkhan" # the folder's name is the binary's
out="$stage/out"
rm -rf "$stage"
mkdir -p "$src" "$out"
trap 'rm -rf "$stage"' EXIT
cp -pR cmd/pishkhan/. "$src/"
rm -rf "$src"/*_test.go "$src/testdata" "$src/pishkhan"
sed -E "s|^Icon = \"([^/\"][^\"]*)\"|Icon = \"$root/\\1\"|" FyneApp.toml >"$src/FyneApp.toml"

echo "package: fyne package --target linux --release (version $version)" >&2
build_start=$(date +%s)
(
  cd "$out"
  export CGO_ENABLED=1
  export XZ_OPT=-0 # fyne's own archive is only unpacked again below: compress it fast
  export GOFLAGS="${GOFLAGS:+$GOFLAGS }-ldflags=-X=main.version=$version"
  # no_emoji: the Makefile's TAGS (Fyne's bundled emoji font left out).
  "$fyne" package --target linux --src "$src" --release --app-version "$version" --tags no_emoji
)
build_secs=$(( $(date +%s) - build_start ))
fyne_tar=$(ls "$out"/*.tar.xz)

# Unpack, add the Persian keys to the .desktop entry, check it, pack again.
work="$stage/work"
mkdir -p "$work"
tar -xJf "$fyne_tar" -C "$work"
desktop=$(find "$work" -path "*/share/applications/$id.desktop")
bin=$(find "$work" -path "*/bin/pishkhan" -type f)
if [ -z "$desktop" ] || [ -z "$bin" ] || [ -z "$(find "$work" -path "*/share/pixmaps/$id.png")" ] ||
  [ ! -f "$work/pishkhan/Makefile" ]; then
  echo "package: fyne's archive lacks the binary, the .desktop entry, the icon or the Makefile:" >&2
  tar -tJf "$fyne_tar" >&2
  exit 1
fi
awk -v fa="$root/packaging/linux/desktop-fa" '
  BEGIN {
    while ((getline line < fa) > 0) {
      if (line ~ /^#/ || line !~ /=/) continue
      key = line; sub(/\[fa\]=.*/, "", key)
      add[key] = line
    }
  }
  /^[A-Za-z]+(\[[^]]*\])?=/ { k = $0; sub(/=.*/, "", k); have[k] = 1 }
  { lines[++n] = $0 }
  END {
    for (i = 1; i <= n; i++) {
      print lines[i]
      k = lines[i]; sub(/=.*/, "", k)
      if (k in add) {
        if (!((k "[fa]") in have)) print add[k]
        done[k] = 1
      }
    }
    for (k in add) if (!(k in done)) { print "package: the .desktop entry has no " k "= to add " k "[fa] after" > "/dev/stderr"; exit 1 }
  }' "$desktop" >"$desktop.new"
mv "$desktop.new" "$desktop"
chmod 0644 "$desktop"
desktop-file-validate "$desktop"

got=$("$bin" version)
if [ "$got" != "pishkhan $version" ]; then
  echo "package: the packaged binary says '$got', not 'pishkhan $version'" >&2
  exit 1
fi

tarball="$root/bin/pishkhan-$version-linux-$arch.tar.xz"
tar -cJf "$tarball" --owner=0 --group=0 --numeric-owner -C "$work" pishkhan
echo "package: wrote ${tarball#"$root"/} ($(du -h "$tarball" | cut -f1)); fyne package took ${build_secs}s, all $(( $(date +%s) - start ))s" >&2
echo "package: install with: tar -xJf ${tarball#"$root"/} && cd pishkhan && make user-install (or sudo make install)" >&2
