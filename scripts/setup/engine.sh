#!/usr/bin/env bash
# Start Debian's dockerd in the background unless an engine already responds on
# the default socket. There is no systemd on these machines.
set -euo pipefail

socket=/var/run/docker.sock
client=/usr/bin/docker

if "$client" version >/dev/null 2>&1; then
  exit 0
fi

log=/var/log/dockerd-devcontainers.log
echo "setup: starting dockerd (log: $log)"
nohup dockerd >"$log" 2>&1 &

for _ in $(seq 1 60); do
  if [ -S "$socket" ] && "$client" version >/dev/null 2>&1; then
    exit 0
  fi
  sleep 0.5
done
echo "setup: dockerd did not respond on $socket within 30 s; see $log" >&2
tail -n 20 "$log" >&2
exit 1
