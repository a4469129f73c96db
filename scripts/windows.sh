#!/usr/bin/env bash
# The Windows build of Pishkhan and its smoke test under wine.
#
#   scripts/windows.sh build   cross-build bin/windows/ with mingw-w64 (cgo: Fyne, go-sqlite3)
#   scripts/windows.sh smoke   run what build made under wine, in a throwaway prefix and an Xvfb display
#
# build makes two programs from the same code, as javaw/java and pythonw/python do:
#   pishkhan.exe      GUI subsystem (-H windowsgui): what the office's shortcut opens (with the
#                     argument `app`: without arguments it prints its usage, which nobody sees); no
#                     console window pops up beside the window, and closing one cannot kill it.
#   pishkhan-cli.exe  console subsystem: for technicians and scripts (doctor, backup, sync, …). A
#                     GUI-subsystem program started from cmd.exe or PowerShell has no console: its
#                     output is lost (unless redirected) and the prompt does not wait for it.
# Under wine both print to the terminal (wine hands Unix stdio to every program), so the smoke
# cannot tell them apart there; it checks the subsystem in the PE header instead.
# It also builds bcryptprimitives.dll, a stand-in that only the smoke needs (see
# scripts/windows/bcryptprimitives.c): never ship it, real Windows has the real one.
#
# Installs what is missing (mingw-w64 for build; wine, Xvfb, x11-utils, ImageMagick for smoke) with
# apt, with sudo only when not root, as scripts/deps.sh does. VERSION defaults to FyneApp.toml's.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

cd "$(dirname "$0")/.."
root=$PWD
out="$root/bin/windows"

die() {
  echo "windows.sh: FAILED: $*" >&2
  exit 1
}

# --- timing -----------------------------------------------------------------
times=()
t_start=0
now() { date +%s.%N; }
begin() {
  t_start=$(now)
  echo "== $1" >&2
}
end() {
  local s
  s=$(awk -v a="$t_start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
  times+=("$(printf '%-50s %6s s' "$1" "$s")")
}
print_times() {
  [ ${#times[@]} -gt 0 ] || return 0
  echo "-- times" >&2
  printf '   %s\n' "${times[@]}" >&2
}

# --- packages ---------------------------------------------------------------
# need_cmds CMD…: fail unless every command is on PATH.
need_cmds() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "$c is missing"
  done
}

# subsystem EXE: "Windows GUI" or "Windows CUI", from the PE header.
subsystem() {
  x86_64-w64-mingw32-objdump -p "$1" | sed -n 's/^Subsystem[[:space:]]*[0-9a-f]*[[:space:]]*(\(.*\))$/\1/p'
}

# --- build ------------------------------------------------------------------
cmd_build() {
  begin "tools"
  need_pkgs windows.sh gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64
  need_cmds x86_64-w64-mingw32-gcc x86_64-w64-mingw32-objdump
  find_go || die "Go is not on PATH (see scripts/deps.sh)"
  end "tools"
  local version=${VERSION:-$(awk -F'"' '/^Version/ {print $2}' FyneApp.toml)}
  [ -n "$version" ] || die "no VERSION given and none found in FyneApp.toml"
  mkdir -p "$out"

  begin "bcryptprimitives.dll (smoke-test stand-in)"
  x86_64-w64-mingw32-gcc -shared -O2 -s -Wall -Werror -o "$out/bcryptprimitives.dll" \
    scripts/windows/bcryptprimitives.c scripts/windows/bcryptprimitives.def -lbcrypt ||
    die "building bcryptprimitives.dll"
  end "bcryptprimitives.dll"

  export CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++
  begin "pishkhan.exe (window; cold: ~10 min, warm: seconds)"
  # -tags no_emoji: the Makefile's TAGS (Fyne's bundled emoji font left out).
  go build -tags no_emoji -ldflags "-X main.version=$version -H windowsgui" -o "$out/pishkhan.exe" ./cmd/pishkhan ||
    die "cross-building pishkhan.exe"
  end "go build pishkhan.exe (GUI subsystem)"
  begin "pishkhan-cli.exe (console; the same packages, only linked again)"
  go build -tags no_emoji -ldflags "-X main.version=$version" -o "$out/pishkhan-cli.exe" ./cmd/pishkhan ||
    die "cross-building pishkhan-cli.exe"
  end "go build pishkhan-cli.exe (console subsystem)"

  [ "$(subsystem "$out/pishkhan.exe")" = "Windows GUI" ] || die "pishkhan.exe is not a GUI-subsystem program"
  [ "$(subsystem "$out/pishkhan-cli.exe")" = "Windows CUI" ] || die "pishkhan-cli.exe is not a console program"
  echo "windows.sh: built $version into ${out#"$root"/}/: pishkhan.exe (window), pishkhan-cli.exe (command line), bcryptprimitives.dll (for the wine smoke only)" >&2
  print_times
}

# --- smoke ------------------------------------------------------------------
tmp=""
xvfb_pid=""
app_pid=""
cleanup() {
  local rc=$?
  if [ -n "$tmp" ] && [ -d "$tmp/prefix" ]; then
    WINEPREFIX="$tmp/prefix" wineserver -k 2>/dev/null || true
    WINEPREFIX="$tmp/prefix" timeout 20 wineserver -w 2>/dev/null || true
  fi
  if [ -n "$app_pid" ]; then
    kill "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  [ -n "$tmp" ] && rm -rf "$tmp"
  if [ $rc -ne 0 ]; then
    print_times
  fi
  return $rc
}

# wine_run NAME EXPECTED_EXIT STDIN ARG…: run bin/windows/pishkhan-cli.exe under wine (at most
# 60 s) with the PIN lines in STDIN, leave its output in $tmp/NAME.out, and fail unless it
# exits EXPECTED_EXIT.
wine_run() {
  local name=$1 want=$2 input=$3 rc=0
  shift 3
  printf '%s' "$input" | timeout 60 wine "$out/pishkhan-cli.exe" "$@" >"$tmp/$name.out" 2>&1 || rc=$?
  if [ $rc -ne "$want" ]; then
    sed 's/^/   | /' "$tmp/$name.out" >&2
    [ $rc -eq 124 ] && die "'pishkhan-cli.exe $*' under wine took over 60 s"
    grep -q 'bcryptprimitives.dll not found' "$tmp/$name.out" &&
      die "Go's runtime found no usable bcryptprimitives.dll in the wine prefix: the stub from 'scripts/windows.sh build' is missing or broken"
    die "'pishkhan-cli.exe $*' under wine exited $rc, expected $want (output above)"
  fi
}

# expect NAME REGEX WHAT: fail unless a line of $tmp/NAME.out matches the extended REGEX.
expect() {
  if ! grep -Eq -- "$2" "$tmp/$1.out"; then
    sed 's/^/   | /' "$tmp/$1.out" >&2
    die "$1: expected $3 (a line matching /$2/); output above"
  fi
}

cmd_smoke() {
  local f
  for f in pishkhan.exe pishkhan-cli.exe bcryptprimitives.dll; do
    [ -f "$out/$f" ] || die "bin/windows/$f is missing: run 'scripts/windows.sh build' (make windows) first"
  done
  begin "tools"
  # wine itself, and what wine's X11 driver and OpenGL load at run time: libwine only recommends
  # them, and a --no-install-recommends machine lacks some (Fyne draws with OpenGL; Mesa's
  # software renderer does it under Xvfb). No fonts: Fyne draws with the fonts it embeds.
  need_pkgs windows.sh wine wine64 libgl1 libgl1-mesa-dri libxcomposite1 libxcursor1 libxfixes3 libxi6 \
    libxinerama1 libxrandr2 libxrender1 libxxf86vm1 xvfb x11-utils imagemagick
  need_cmds wine wineserver Xvfb xwininfo import convert
  end "tools"

  tmp=$(mktemp -d "${TMPDIR:-/tmp}/pishkhan-wine.XXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  # wine puts its wineserver socket folder (wine-XXXXXX) in TMPDIR and leaves it behind.
  mkdir "$tmp/tmp"
  export TMPDIR="$tmp/tmp"

  # A display of our own, picked by Xvfb (-displayfd), without access control (local clients
  # only, no TCP): wine's X11 driver did not connect through xvfb-run's cookie here. It is up
  # before wine first runs, because wine's desktop process (explorer.exe) binds to the display
  # it sees at the start of the prefix's wineserver, and windows fail without one.
  begin "Xvfb"
  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
  xvfb_pid=$!
  for _ in $(seq 100); do
    [ -s "$tmp/display" ] && break
    kill -0 "$xvfb_pid" 2>/dev/null || { cat "$tmp/xvfb.log" >&2; die "Xvfb did not start"; }
    sleep 0.1
  done
  [ -s "$tmp/display" ] || die "Xvfb did not report a display within 10 s"
  export DISPLAY=":$(head -1 "$tmp/display")"
  unset XAUTHORITY
  end "Xvfb"

  # A fresh 64-bit prefix: no mono or gecko (their install prompts would wait for a click), no
  # menu entries written into $HOME, no debug chatter (also silences "wine32 is missing").
  export WINEPREFIX="$tmp/prefix" WINEARCH=win64 WINEDEBUG=-all
  export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
  export LC_ALL=C.UTF-8
  unset PISHKHAN_DATA
  begin "wine prefix"
  timeout 180 wine wineboot --init >"$tmp/wineboot.log" 2>&1 || {
    cat "$tmp/wineboot.log" >&2
    die "wineboot --init of a fresh prefix failed or took over 3 minutes"
  }
  local sys32="$WINEPREFIX/drive_c/windows/system32"
  [ -f "$sys32/kernel32.dll" ] || die "wineboot made no 64-bit prefix ($sys32/kernel32.dll is missing)"
  # Go 1.22+ needs bcryptprimitives.dll (ProcessPrng) before main; wine 8 has none.
  cp "$out/bcryptprimitives.dll" "$sys32/" || die "copying the stub bcryptprimitives.dll into the prefix"
  end "wine prefix (wineboot --init, fresh)"

  mkdir -p "$tmp/desk"
  local data
  data=$(wine winepath -w "$tmp/desk" 2>/dev/null) || die "winepath failed"
  data=${data%$'\r'}

  begin "command line"
  wine_run version 0 "" version
  expect version '^pishkhan [0-9]' "the version line"
  # A fresh folder has no desk: doctor says so, with its own exit status (6, not initialised).
  wine_run doctor-fresh 6 "" --data "$data" doctor
  expect doctor-fresh "not_initialised.*no desk in" "doctor to report an uninitialised desk"
  wine_run init 0 "" --data "$data" init --office 12345 --office-name "دفتر پیشخوان آزمایشی wine" --desk 1
  expect init '^desk ready: office 12345 \(دفتر پیشخوان آزمایشی wine\), desk 01' "the Persian office name back"
  # The catalog goes in while the desk has no users (first-run setup); then the first user, a
  # supervisor, who adds the clerk (its PIN on standard input).
  wine_run catalog 0 "" --data "$data" catalog import --demo
  expect catalog '^catalog v1 installed: [0-9]+ agencies' "the demo catalog installed"
  wine_run boss 0 "" --data "$data" users add --username modir --name "مدیر دفتر" --role supervisor --pin 246813
  wine_run clerk 0 $'246813\n' --data "$data" --user modir users add --username operator1 --name "اپراتور یک" --role clerk --pin 135790
  expect clerk '^user operator1 added as clerk$' "the clerk added"
  end "command line (version, init, users, catalog)"

  begin "doctor"
  wine_run doctor 0 "" --data "$data" doctor
  expect doctor '^ok +database +integrity ok$' "the database check"
  expect doctor '^ok +audit +[0-9]+ entries, chain intact$' "the audit-trail check"
  expect doctor '^ok +disk +[0-9]+ MB free' "the disk check with the free space measured"
  expect doctor '^warn +exchange +not enrolled$' "the exchange check (not enrolled)"
  expect doctor '^warn +printer +no printer configured$' "the printer check"
  expect doctor '^(ok|warn) +card reader ' "the card-reader check"
  if grep -q '^FAIL' "$tmp/doctor.out"; then
    cat "$tmp/doctor.out" >&2
    die "doctor reported a failed check"
  fi
  sed 's/^/   | /' "$tmp/doctor.out" >&2
  end "doctor"

  # The window, logged in as the clerk (PIN on standard input). Not --demo: the demo's simulated
  # printer and card reader sit on pseudo-terminals, which Windows does not have.
  begin "window"
  local ready="$tmp/ready.txt" ready_w
  ready_w=$(wine winepath -w "$ready" 2>/dev/null) || die "winepath failed"
  ready_w=${ready_w%$'\r'}
  printf '135790\n' | wine "$out/pishkhan.exe" --data "$data" app --login operator1 --ready-file "$ready_w" \
    >"$tmp/app.log" 2>&1 &
  app_pid=$!
  local i geom=""
  for i in $(seq 240); do
    if ! kill -0 "$app_pid" 2>/dev/null; then
      sed 's/^/   | /' "$tmp/app.log" >&2
      die "pishkhan.exe app ended before its window was drawn (output above)"
    fi
    if [ -s "$ready" ]; then
      # The largest X window of pishkhan.exe (wine also maps a message window and an IME one).
      geom=$(xwininfo -root -tree 2>/dev/null |
        awk '/\("pishkhan\.exe" "pishkhan\.exe"\)/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+x[0-9]+[+-][0-9]+[+-][0-9]+$/) { split($i, g, /[x+-]/); if (g[1] * g[2] > best) { best = g[1] * g[2]; geom = $i } } } END { print geom }')
      [ -n "$geom" ] && break
    fi
    sleep 0.25
  done
  [ -s "$ready" ] || { sed 's/^/   | /' "$tmp/app.log" >&2; die "the window did not draw its first frame within 60 s"; }
  [ -n "$geom" ] || die "no X window of pishkhan.exe on $DISPLAY"
  local w h x y
  IFS='x+' read -r w h x y <<<"$geom"
  [ "$w" -ge 600 ] && [ "$h" -ge 400 ] || die "the window is only ${w}x${h}"
  local startup
  startup=$(tr -d '\r\n' <"$ready")
  end "window up (first frame at ${startup} s in-process)"

  # Screenshot the display and judge the window's part of it: a blank window (one colour) or a
  # black screen fails. The intake form has text, fields and buttons: hundreds of colours from
  # anti-aliasing, standard deviation ~0.07. Retried for a few seconds in case a paint is late.
  begin "screenshot"
  local shot="$tmp/root.png" stats sd colours ok=""
  for i in $(seq 10); do
    sleep 0.5
    import -window root "$shot" 2>"$tmp/import.log" || continue
    stats=$(convert "$shot" -crop "${w}x${h}+${x}+${y}" +repage -format '%[fx:standard_deviation] %k' info:) || continue
    read -r sd colours <<<"$stats"
    if awk -v sd="$sd" -v k="$colours" 'BEGIN { exit !(sd >= 0.03 && k >= 64) }'; then
      ok=1
      break
    fi
  done
  [ -n "$ok" ] || {
    cat "$tmp/import.log" >&2
    die "the window looks blank: standard deviation ${sd:-?}, ${colours:-?} colours (want >= 0.03 and >= 64)"
  }
  mkdir -p docs/screenshots
  cp "$shot" docs/screenshots/windows-wine.png
  end "screenshot (sd $sd, $colours colours)"

  begin "quit"
  wineserver -k 2>/dev/null || true
  timeout 20 wineserver -w 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
  app_pid=""
  if grep -Eq '^(panic|fatal error):' "$tmp/app.log"; then
    sed 's/^/   | /' "$tmp/app.log" >&2
    die "pishkhan.exe app panicked (output above)"
  fi
  end "quit (wineserver -k)"

  echo "windows.sh: smoke passed: pishkhan-cli.exe ran init, users, catalog and doctor under $(wine --version 2>/dev/null | head -1); pishkhan.exe drew its window ${w}x${h} (docs/screenshots/windows-wine.png)" >&2
  print_times
}

case "${1:-}" in
build) cmd_build ;;
smoke) cmd_smoke ;;
*)
  echo "usage: scripts/windows.sh build|smoke" >&2
  exit 2
  ;;
esac
