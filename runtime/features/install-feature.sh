#!/bin/sh
# Installs one Feature during the image build. Usage: install-feature.sh INDEX
#
# The Feature's files are in the folder INDEX next to this script. Its option
# values are in INDEX/devcontainer-features.env and the user variables the
# Features spec defines are in builtin.env; both are read with `set -a`, so
# install.sh gets them as environment variables. The home folders are looked
# up in the image's /etc/passwd here, because only the image knows them.
set -e

features_root=$(cd "$(dirname "$0")" && pwd)
feature_folder=$features_root/$1
cd "$feature_folder"
cat ./feature-banner.txt

home_of() {
  while IFS=: read -r name _ _ _ _ home _; do
    if [ "$name" = "$1" ]; then
      echo "$home"
      return 0
    fi
  done </etc/passwd
  if [ "$1" = root ]; then echo /root; else echo "/home/$1"; fi
}

set -a
. "$features_root/builtin.env"
. ./devcontainer-features.env
set +a
if [ -z "${_REMOTE_USER_HOME:-}" ]; then
  _REMOTE_USER_HOME=$(home_of "$_REMOTE_USER")
  export _REMOTE_USER_HOME
fi
if [ -z "${_CONTAINER_USER_HOME:-}" ]; then
  _CONTAINER_USER_HOME=$(home_of "$_CONTAINER_USER")
  export _CONTAINER_USER_HOME
fi

chmod +x ./install.sh
status=0
./install.sh || status=$?
if [ "$status" -ne 0 ]; then
  echo "ERROR: Feature $(sed -n 's/^Id *: //p' ./feature-banner.txt) failed to install (install.sh exit code $status)." >&2
  exit "$status"
fi
cd /
rm -rf "$feature_folder"
