#!/bin/sh
# Reports the container's architecture and which builds of one editor server
# are already complete in the server folder, in one exec.
#
# Input from the environment:
#   DEVCONTAINER_SERVER_ROOT  folder that contains one folder per server build
#   DEVCONTAINER_SERVER_ID    <quality>-<commit>, the start of those folder names
# Output on stdout: machine=<uname -m>, then installed=<folder> for each
# build folder that has its .installed marker.
set -u

echo "machine=$(uname -m)"
for marker in "$DEVCONTAINER_SERVER_ROOT/$DEVCONTAINER_SERVER_ID"-*/.installed; do
  if [ -f "$marker" ]; then
    echo "installed=${marker%/.installed}"
  fi
done
