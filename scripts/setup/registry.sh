#!/usr/bin/env bash
# Install what the Feature registry tests need: Debian's docker-registry
# (distribution 2.8) and htpasswd from apache2-utils. The tests start their
# own registry on 127.0.0.1 with a generated config and password file, so
# this script only installs, and stops the registry service the package may
# have started, because its default config listens on every interface.
set -euo pipefail

needed=(docker-registry apache2-utils)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || echo "setup: apt-get update reported errors; continuing with the lists it fetched" >&2
  # policy-rc.d exit code 101 keeps the package from starting its service.
  policy=/usr/sbin/policy-rc.d
  created_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$created_policy" ]; then
    rm -f "$policy"
  fi
fi

for tool in /usr/bin/docker-registry /usr/bin/htpasswd; do
  if [ ! -x "$tool" ]; then
    echo "setup: $tool is missing after installing ${needed[*]}" >&2
    exit 1
  fi
done
