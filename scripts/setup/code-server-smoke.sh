#!/usr/bin/env bash
# Start the code-server install in INSTALL_DIR on a free loopback port, check
# that its root page returns HTTP 200 with the workbench HTML, and stop it.
# User data, settings and extensions go to a temporary folder, so the check
# leaves the home folder untouched.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 INSTALL_DIR (for example /var/cache/open-devcontainers/code-server-4.96.4)" >&2
  exit 2
fi
install_dir=$1
entry=$install_dir/out/node/entry.js
if [ ! -f "$entry" ]; then
  echo "code-server smoke: $entry not found; run scripts/setup/code-server.sh first" >&2
  exit 1
fi

timeout_seconds=60
work=$(mktemp -d)
server_pid=

stop_server() {
  if [ -z "$server_pid" ] || ! kill -0 "$server_pid" 2>/dev/null; then
    return 0
  fi
  kill "$server_pid"
  for _ in $(seq 1 50); do
    kill -0 "$server_pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "code-server smoke: server $server_pid is still running 5 s after SIGTERM, so sending SIGKILL" >&2
  kill -KILL "$server_pid" 2>/dev/null || true
}

cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

# The port is free when checked. Another process could take it before the
# server binds it, in which case the server exits and the check fails.
port=$(node -e '
  const server = require("net").createServer();
  server.listen(0, "127.0.0.1", () => {
    console.log(server.address().port);
    server.close();
  });
')

mkdir -p "$work/folder"
# --disable-update-check keeps the server from querying GitHub for releases.
XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data node "$entry" \
  --auth none \
  --bind-addr "127.0.0.1:$port" \
  --user-data-dir "$work/user-data" \
  --extensions-dir "$work/extensions" \
  --disable-update-check \
  --disable-telemetry \
  "$work/folder" >"$work/server.log" 2>&1 &
server_pid=$!

url=http://127.0.0.1:$port/
started_at=$SECONDS
status=
until [ "$status" = 200 ] && grep -q 'workbench/workbench\.js' "$work/page.html"; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "code-server smoke: server exited before serving $url; its output:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  if [ $((SECONDS - started_at)) -ge "$timeout_seconds" ]; then
    echo "code-server smoke: $url did not return the workbench within $timeout_seconds s (last HTTP status: ${status:-none}); server output:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  sleep 0.5
  status=$(curl -sS -L --max-time 5 -o "$work/page.html" -w '%{http_code}' "$url" 2>/dev/null || true)
done

echo "code-server smoke: $url returned HTTP 200 with the workbench after $((SECONDS - started_at)) s"

# The page only names the workbench script, so fetch it too. A 200 for it
# shows that the server serves its static files from lib/vscode/out.
script_path=$(grep -o 'src="[^"]*/workbench/workbench\.js"' "$work/page.html" | head -n 1 | sed 's/^src="\.\{0,1\}\/\{0,1\}//; s/"$//')
script_url=$url$script_path
script_status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$script_url")
if [ "$script_status" != 200 ]; then
  echo "code-server smoke: $script_url returned HTTP $script_status, expected 200" >&2
  exit 1
fi
echo "code-server smoke: $script_url returned HTTP 200"
