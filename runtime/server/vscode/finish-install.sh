#!/bin/sh
# Moves a server copy that was extracted under a temporary name to its final
# name. The rename is atomic, so a container (or another container sharing
# the volume) finds either no server or a complete one. The final folder only
# ever comes from such a rename, so when it exists another install finished
# first: its copy is kept and this one is deleted.
#
# Input from the environment:
#   DEVCONTAINER_PARTIAL_FOLDER  the extracted copy, which has the .installed marker
#   DEVCONTAINER_SERVER_FOLDER   its final name
set -eu

partial=$DEVCONTAINER_PARTIAL_FOLDER
final=$DEVCONTAINER_SERVER_FOLDER

if [ -e "$final" ]; then
  rm -rf "$partial"
  exit 0
fi
mv "$partial" "$final"
# When another install renamed its copy between the test and this rename, mv
# moved this copy inside that one instead.
nested="$final/$(basename "$partial")"
if [ -d "$nested" ]; then
  rm -rf "$nested"
fi

# Copies left by installs that broke off an hour or more ago.
find "$(dirname "$final")" -maxdepth 1 -name '.*.partial-*' -mmin +60 -exec rm -rf {} + 2>/dev/null || true
