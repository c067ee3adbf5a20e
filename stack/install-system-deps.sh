#!/usr/bin/env bash
# Installs what the local stack needs from Debian's packages when it is missing: a Java 17+
# runtime (Kafka, Spark), Maven (fetches the jars), the PostgreSQL server and Python's venv.
# With --browser, also Debian's chromium for the browser tests.
# Runs apt-get only when something is missing, and only as root; otherwise says what to install.
set -euo pipefail

need=()
java_ok() {
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  command -v "$java" >/dev/null 2>&1 || return 1
  local major
  major=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ "${major:-0}" -ge 17 ]
}
java_ok || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ "${POSTGRES_MODE:-local}" = local ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
   && ! command -v initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
# --browser: Debian's chromium, which the browser tests drive (no downloaded browsers).
if [ "${1:-}" = --browser ] && ! command -v chromium >/dev/null 2>&1; then
  need+=(chromium)
fi
# and a colour emoji font, which the scoreboard's ticker texts use (⚽ 🟥 🏁); without it they are boxes.
if [ "${1:-}" = --browser ] && [ ! -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; then
  need+=(fonts-noto-color-emoji)
fi

[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "matchday needs these Debian packages: ${need[*]}; install them (sudo apt-get install ${need[*]}) and run again." >&2
  exit 1
fi
echo "Installing ${need[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
