#!/usr/bin/env bash
# Install the Debian packages the product and its tests need, when missing:
# the engine (docker.io), what the local base images are made from
# (busybox-static, debootstrap), the browser for end-to-end tests (chromium),
# what the editor host's native modules build against (libkrb5-dev, ripgrep),
# and the SSH client and SFTP server the SSH hand-off is tested with and copies.
set -euo pipefail

needed=(docker.io docker-compose busybox-static debootstrap chromium libkrb5-dev ripgrep iproute2 openssh-client openssh-sftp-server)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Third-party sources on some machines are unreachable; Debian's own are enough.
apt-get update -qq || echo "setup: apt-get update reported errors; continuing with the lists it fetched" >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
