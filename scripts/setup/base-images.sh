#!/usr/bin/env bash
# Make the base images that real configs name (busybox, debian:bookworm) from
# local Debian packages, because no image registry is reachable.
set -euo pipefail

docker=/usr/bin/docker
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$docker" image inspect busybox:latest >/dev/null 2>&1; then
  echo "setup: making image busybox:latest"
  root="$work/busybox"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
  cp /bin/busybox "$root/bin/busybox"
  for applet in sh ls cat echo sleep id env mkdir rm cp mv printf test true false hostname pwd grep sed tail head wc whoami chmod touch uname ps kill; do
    ln -s busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  tar -C "$root" -c . | "$docker" import \
    --change 'CMD ["sh"]' \
    --change 'ENV PATH=/bin' - busybox:latest >/dev/null
fi

if ! "$docker" image inspect debian:bookworm >/dev/null 2>&1; then
  echo "setup: making image debian:bookworm with debootstrap"
  mirror=http://deb.debian.org/debian
  root="$work/bookworm"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -n 30 "$work/debootstrap.log" >&2
    exit 1
  }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | "$docker" import \
    --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - debian:bookworm >/dev/null
fi
