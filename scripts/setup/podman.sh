#!/usr/bin/env bash
# Install Debian 12's Podman 4.3 and podman-compose 1.0.3 when missing, give
# Podman the local base images, and serve its Docker-compatible API on
# $socket unless a service already responds there. The Podman tests point
# DOCKER_HOST at that socket. Safe to run again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

socket=/run/podman-devcontainers/podman.sock
pidfile=/run/podman-devcontainers/podman.pid
log=/var/log/podman-devcontainers.log
docker=/usr/bin/docker

# netavark with aardvark-dns resolves service names on compose networks
# (Debian's default CNI backend has no DNS plugin installed), and catatonit
# is the init process for `init: true`.
needed=(podman podman-compose netavark aardvark-dns catatonit)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || echo "setup: apt-get update reported errors; continuing with the lists it fetched" >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Settings for this machine kind, checked with Podman 4.3 as root:
# - cgroup_manager "cgroupfs", because there is no systemd to ask for scopes.
# - storage driver "overlay" (kernel overlayfs on the ext4 root, as dockerd's
#   overlay2 uses it), so no fuse-overlayfs or vfs copies are needed.
# - default_ulimits, because this root lacks CAP_SYS_RESOURCE: Podman's
#   defaults (nofile 1048576, nproc 1048576) are above the hard limits here,
#   and runc then fails with "error setting rlimit type 7: operation not
#   permitted". Podman lowers its own nproc limit to 32768 at start, so
#   containers get at most that.
# - network_backend "netavark", for the DNS above.
hard_nofile=$(ulimit -Hn)
hard_nproc=$(ulimit -Hu)
[ "$hard_nofile" = unlimited ] || [ "$hard_nofile" -gt 1048576 ] && hard_nofile=1048576
[ "$hard_nproc" = unlimited ] || [ "$hard_nproc" -gt 32768 ] && hard_nproc=32768
mkdir -p /etc/containers/containers.conf.d
conf=/etc/containers/containers.conf.d/50-open-devcontainers.conf
cat >"$conf.tmp" <<EOF
# Written by scripts/setup/podman.sh of Open Dev Containers.
[containers]
default_ulimits = ["nofile=$hard_nofile:$hard_nofile", "nproc=$hard_nproc:$hard_nproc"]

[engine]
cgroup_manager = "cgroupfs"

[network]
network_backend = "netavark"
EOF
changed=0
if ! cmp -s "$conf.tmp" "$conf"; then
  mv "$conf.tmp" "$conf"
  changed=1
else
  rm -f "$conf.tmp"
fi
if [ ! -e /etc/containers/storage.conf ]; then
  printf '[storage]\ndriver = "overlay"\nrunroot = "/run/containers/storage"\ngraphroot = "/var/lib/containers/storage"\n' >/etc/containers/storage.conf
fi

# The base images come from Docker's store: `docker save | podman load` takes
# about 5 s for debian:bookworm, where debootstrap takes about 30 s. A loaded
# image is named `localhost/NAME`, so it is tagged with the name a short
# name resolves to, as a registry pull would have named it.
if ! "$docker" image inspect busybox:latest debian:bookworm >/dev/null 2>&1; then
  bash "$here/base-images.sh"
fi
for image in debian:bookworm busybox:latest; do
  if ! podman image exists "docker.io/library/$image"; then
    echo "setup: copying image $image from Docker to Podman"
    "$docker" save "$image" | podman load -q >/dev/null
    podman tag "localhost/$image" "docker.io/library/$image"
    podman untag "localhost/$image" "localhost/$image"
  fi
done

responds() {
  timeout 5 podman --remote --url "unix://$socket" version >/dev/null 2>&1
}

if responds; then
  if [ "$changed" = 0 ]; then
    exit 0
  fi
  # The service reads containers.conf once, at start. A service this script
  # did not start is left alone.
  if [ ! -s "$pidfile" ]; then
    echo "setup: the Podman service on $socket was not started here; restart it to apply $conf" >&2
    exit 0
  fi
  echo "setup: restarting the Podman service for the new settings"
  kill "$(cat "$pidfile")" 2>/dev/null || true
  sleep 1
fi

echo "setup: starting the Podman API service on $socket (log: $log)"
mkdir -p "$(dirname "$socket")"
rm -f "$socket"
# The service and the conmon processes it starts keep this working folder.
# Started from a checkout that is later deleted, every container start
# fails with "write child: broken pipe", so it runs from /.
(cd / && exec nohup podman system service --time=0 "unix://$socket" >>"$log" 2>&1) &
echo $! >"$pidfile"

for _ in $(seq 1 60); do
  if responds; then
    exit 0
  fi
  sleep 0.5
done
echo "setup: the Podman service did not respond on $socket within 30 s; see $log" >&2
tail -n 20 "$log" >&2
exit 1
