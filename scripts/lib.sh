# scripts/lib.sh: what the scripts share; source it (bash).

# need_pkgs WHO PKG…: install whichever of the Debian packages is not
# installed yet (apt, with sudo only when not root). WHO names the script in
# messages. On a system without dpkg it says what is needed and returns.
need_pkgs() {
  local who=$1
  shift
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "$who: not a Debian/Ubuntu system; make sure these (or their equivalents) are installed: $*" >&2
    return 0
  fi
  local missing=() p status
  for p in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "$who: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# find_go puts Go on PATH if it is installed in one of the usual places but
# not on PATH; it returns 1 if there is none.
find_go() {
  if ! command -v go >/dev/null 2>&1; then
    local d
    for d in /usr/local/go/bin "$HOME/go/bin" /usr/lib/go-1.26/bin; do
      [ -x "$d/go" ] && export PATH="$d:$PATH" && break
    done
  fi
  command -v go >/dev/null 2>&1
}
