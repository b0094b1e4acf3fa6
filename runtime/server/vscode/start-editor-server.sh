#!/bin/sh
# Starts the desktop editor's VS Code server in the background as the user
# running this script, bound to 127.0.0.1, unless a server of the same build
# that an earlier call started is still running, and prints where it listens.
# It also links the server where Remote-SSH looks for it, so an SSH hand-off
# finds it installed.
#
# Input from the environment:
#   DEVCONTAINER_SERVER_FOLDER       server folder (bin/, out/, node)
#   DEVCONTAINER_SERVER_APPLICATION  launcher name in bin/, such as code-server
#   DEVCONTAINER_SERVER_COMMIT       commit of the server build
#   DEVCONTAINER_SERVER_DATA_FOLDER  folder name in HOME that Remote-SSH uses, such as .vscode-server
#   DEVCONTAINER_SERVER_PORT         port to listen on; 0 lets the kernel pick one
#   DEVCONTAINER_START_TIMEOUT       seconds to wait for the server to listen
# A new connection token arrives as the first line of stdin, so it is in no
# process's arguments or environment. The server reads it from a file that
# only this user can read.
#
# Output on stdout, one per line: port=PORT, log=PATH, reused=0 or 1, and
# for a reused server token=TOKEN, the token that server was started with.
# On failure the script exits non-zero and prints the log's last lines on
# stderr.
set -eu

IFS= read -r new_token

folder=$DEVCONTAINER_SERVER_FOLDER
application=$DEVCONTAINER_SERVER_APPLICATION
commit=$DEVCONTAINER_SERVER_COMMIT
data_folder=$DEVCONTAINER_SERVER_DATA_FOLDER
requested_port=$DEVCONTAINER_SERVER_PORT
timeout=$DEVCONTAINER_START_TIMEOUT
# The server and the terminals it starts should not inherit these.
unset DEVCONTAINER_SERVER_FOLDER DEVCONTAINER_SERVER_APPLICATION DEVCONTAINER_SERVER_COMMIT \
  DEVCONTAINER_SERVER_DATA_FOLDER DEVCONTAINER_SERVER_PORT DEVCONTAINER_START_TIMEOUT

# Remote-SSH starts ~/<data folder>/bin/<commit>/bin/<launcher> when it is
# there. An existing folder or link is left alone, because it is either this
# link or a server that Remote-SSH installed itself.
# NOTE: Remote-SSH releases that install through the VS Code CLI may look in
# ~/<data folder>/cli/servers/ instead, and no link is made there.
if [ -n "${HOME:-}" ] && mkdir -p "$HOME/$data_folder/bin" 2>/dev/null; then
  if [ ! -e "$HOME/$data_folder/bin/$commit" ]; then
    ln -sfn "$folder" "$HOME/$data_folder/bin/$commit" 2>/dev/null || true
  fi
fi

state_dir=${HOME:-/}/.devcontainer-open/editor-server/$commit
if ! mkdir -p "$state_dir" 2>/dev/null; then
  # HOME is missing or read-only, as for a user id without a passwd entry.
  state_dir=/tmp/devcontainer-open-editor-server-$(id -u)/$commit
  mkdir -p "$state_dir"
fi
chmod 700 "$state_dir"
log=$state_dir/server.log
pid_file=$state_dir/server.pid
port_file=$state_dir/server.port
token_file=$state_dir/token

# Returns success when the recorded pid is a server from this folder. The
# command line is checked because after a container restart the pid may
# belong to another process.
server_running() {
  [ -f "$pid_file" ] || return 1
  recorded_pid=$(cat "$pid_file")
  [ -r "/proc/$recorded_pid/cmdline" ] && tr '\0' ' ' <"/proc/$recorded_pid/cmdline" | grep -qF "$folder/"
}

# Reuse the server of an earlier call (a window reload reconnects to it),
# unless the caller requests another port.
if server_running && [ -s "$port_file" ] && [ -s "$token_file" ]; then
  port=$(cat "$port_file")
  if [ "$requested_port" = 0 ] || [ "$requested_port" = "$port" ]; then
    echo "port=$port"
    echo "log=$log"
    echo "reused=1"
    echo "token=$(cat "$token_file")"
    exit 0
  fi
fi

if server_running; then
  # setsid made the server a process group leader, so this stops the
  # launcher and the node process under it.
  kill -- "-$recorded_pid" 2>/dev/null || kill "$recorded_pid" 2>/dev/null || true
  waited=0
  while kill -0 "$recorded_pid" 2>/dev/null && [ "$waited" -lt 50 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
fi
rm -f "$pid_file" "$port_file"

# Only the token file gets the strict umask. The server keeps the user's own,
# because it applies to every file created from the editor.
user_umask=$(umask)
umask 077
printf '%s\n' "$new_token" >"$token_file"
umask "$user_umask"
: >"$log"
# The server prints its address with the token into this log, so the log stays
# in the state folder that only this user can read.

if [ -x "$folder/bin/$application" ]; then
  set -- "$folder/bin/$application"
else
  set -- "$folder/node" "$folder/out/server-main.js"
fi

# setsid puts the server in its own session, away from this exec's, so it
# outlives the exec. Images without util-linux or busybox lack setsid, and
# there the server still runs, as a background process without a terminal.
detach=
if command -v setsid >/dev/null 2>&1; then
  detach=setsid
fi
cd "${HOME:-/}" 2>/dev/null || cd /
$detach "$@" \
  --host 127.0.0.1 \
  --port "$requested_port" \
  --connection-token-file "$token_file" \
  --accept-server-license-terms \
  --disable-telemetry \
  --telemetry-level off \
  </dev/null >"$log" 2>&1 &
pid=$!
echo "$pid" >"$pid_file"

# The server reports the port it listens on in this line of its log.
tries=$((timeout * 20))
while :; do
  port=$(sed -n 's/^Extension host agent listening on \([0-9][0-9]*\).*$/\1/p' "$log" | head -n 1)
  if [ -n "$port" ]; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the server exited before it listened; last lines of $log:" >&2
    tail -n 30 "$log" >&2 || true
    exit 1
  fi
  if [ "$tries" -le 0 ]; then
    echo "the server did not listen within $timeout s; last lines of $log:" >&2
    tail -n 30 "$log" >&2 || true
    exit 1
  fi
  tries=$((tries - 1))
  sleep 0.05
done
echo "$port" >"$port_file"

echo "port=$port"
echo "log=$log"
echo "reused=0"
