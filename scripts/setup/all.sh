#!/usr/bin/env bash
# Prepare this machine for the product and its tests: Debian packages, a
# running engine, the local base images and the code-server cache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

bash "$here/packages.sh"
bash "$here/engine.sh"
bash "$here/registry.sh"
bash "$here/base-images.sh"
bash "$here/podman.sh"
bash "$here/code-server.sh"
