#!/bin/sh
# Makes login shells keep the PATH the container starts with. Debian's
# /etc/profile (and others like it) assigns PATH a fixed value, which drops
# folders that the image added with `ENV PATH=...`. Each such assignment
# becomes PATH="${PATH:-<the fixed value>}", so the fixed value applies only
# when PATH is empty. Runs as root once, when the container is created.
set -eu

profile=/etc/profile
[ -f "$profile" ] || exit 0
if grep -q 'devcontainer: keeps PATH' "$profile"; then
  exit 0
fi

# Only assignments of a literal value are rewritten; lines that already
# refer to $PATH extend it and stay as they are.
sed -i -E 's/^([[:space:]]*)PATH="?([^"$]*)"?[[:space:]]*$/\1PATH="${PATH:-\2}"/' "$profile"
printf '%s\n' '# devcontainer: keeps PATH set by the image (see PATH assignments above)' >>"$profile"
