#!/bin/sh
# Starts the VS Code server that code-server's package contains, in the
# background as the user running this script, bound to 127.0.0.1 on a port
# the kernel picks, and prints where it listens.
#
# Input from the environment:
#   DEVCONTAINER_SERVER_FOLDER     folder of the copied code-server package
#   DEVCONTAINER_SERVER_NODE       node binary that runs the server
#   DEVCONTAINER_WORKSPACE_FOLDER  folder the workbench opens
#   DEVCONTAINER_START_TIMEOUT     seconds to wait for the server to listen
# The connection token arrives as the first line of stdin, so it is in no
# process's arguments or environment. The server reads it from a file that
# only this user can read.
#
# Output on stdout, one per line: port=PORT and log=PATH of the server's log.
# On failure the script exits non-zero and prints the log's last lines on
# stderr.
set -eu

IFS= read -r token

folder=$DEVCONTAINER_SERVER_FOLDER
node=$DEVCONTAINER_SERVER_NODE
workspace=$DEVCONTAINER_WORKSPACE_FOLDER
timeout=$DEVCONTAINER_START_TIMEOUT
# The server and the terminals it starts should not inherit these.
unset DEVCONTAINER_SERVER_FOLDER DEVCONTAINER_SERVER_NODE DEVCONTAINER_WORKSPACE_FOLDER DEVCONTAINER_START_TIMEOUT

server_main=$folder/lib/vscode/out/server-main.js

state_dir=${HOME:-/}/.devcontainer-open/browser-server
if ! mkdir -p "$state_dir" 2>/dev/null; then
  # HOME is missing or read-only, as for a user id without a passwd entry.
  state_dir=/tmp/devcontainer-open-browser-server-$(id -u)
  mkdir -p "$state_dir"
fi
chmod 700 "$state_dir"
log=$state_dir/server.log
pid_file=$state_dir/server.pid
token_file=$state_dir/token

print_log_tail() {
  echo "$1; last lines of $log:" >&2
  tail -n 30 "$log" >&2 || true
}

# Stop the server that an earlier session started, because its token left
# with that session. The command line is checked first, because after a
# container restart the recorded pid may belong to another process.
# NOTE: a session that is still open loses its server too, so one browser
# session per user and container works at a time.
if [ -f "$pid_file" ]; then
  old_pid=$(cat "$pid_file")
  if [ -r "/proc/$old_pid/cmdline" ] && tr '\0' ' ' <"/proc/$old_pid/cmdline" | grep -qF "$server_main"; then
    kill "$old_pid" 2>/dev/null || true
    waited=0
    while kill -0 "$old_pid" 2>/dev/null && [ "$waited" -lt 50 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
  fi
  rm -f "$pid_file"
fi

# Only the token file gets the strict umask. The server keeps the user's own,
# because it applies to every file created from the editor.
user_umask=$(umask)
umask 077
printf '%s\n' "$token" >"$token_file"
umask "$user_umask"
: >"$log"

# setsid puts the server in its own session, away from this exec's, so it
# outlives the exec. Images without util-linux or busybox lack setsid, and
# there the server still runs, as a background process without a terminal.
detach=
if command -v setsid >/dev/null 2>&1; then
  detach=setsid
fi
cd "$workspace" 2>/dev/null || cd /
# Telemetry is off because code-server 4.96.4 enables it in product.json and
# sends it to its publisher (v1.telemetry.coder.com), which the user of this
# runtime never agreed to.
$detach "$node" "$server_main" \
  --host 127.0.0.1 \
  --port 0 \
  --connection-token-file "$token_file" \
  --accept-server-license-terms \
  --telemetry-level off \
  --default-folder "$workspace" \
  </dev/null >"$log" 2>&1 &
pid=$!
echo "$pid" >"$pid_file"

# With --port 0 the server reports the port it got in this line of its log.
tries=$((timeout * 10))
while :; do
  port=$(sed -n 's/^Extension host agent listening on \([0-9][0-9]*\).*$/\1/p' "$log" | head -n 1)
  if [ -n "$port" ]; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    print_log_tail "the server exited before it listened"
    exit 1
  fi
  if [ "$tries" -le 0 ]; then
    print_log_tail "the server did not listen within $timeout s"
    exit 1
  fi
  tries=$((tries - 1))
  sleep 0.1
done

echo "port=$port"
echo "log=$log"
