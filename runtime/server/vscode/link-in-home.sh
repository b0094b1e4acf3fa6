#!/bin/sh
# Makes two links in the home folder of the user running this script. The
# first puts the server where Remote-SSH looks for it, so an SSH hand-off
# finds it installed even when no server was started. The second, made only
# when a socket relay runs, gives the forwarded SSH agent socket a fixed path.
#
# Input from the environment:
#   DEVCONTAINER_SERVER_FOLDER       server folder (bin/, out/, node)
#   DEVCONTAINER_SERVER_COMMIT       commit of the server build
#   DEVCONTAINER_SERVER_DATA_FOLDER  folder name in HOME that Remote-SSH uses, such as .vscode-server
#   DEVCONTAINER_AGENT_SOCKET        the relay's SSH agent socket; empty when none is forwarded
#
# Output on stdout: agent_socket=PATH, the path to use as SSH_AUTH_SOCK,
# when DEVCONTAINER_AGENT_SOCKET is set.
set -eu

folder=$DEVCONTAINER_SERVER_FOLDER
commit=$DEVCONTAINER_SERVER_COMMIT
data_folder=$DEVCONTAINER_SERVER_DATA_FOLDER
relay_socket=${DEVCONTAINER_AGENT_SOCKET:-}

# Remote-SSH starts ~/<data folder>/bin/<commit>/bin/<launcher> when it is
# there. An existing folder or link is left alone, because it is either this
# link or a server that Remote-SSH installed itself.
if [ -n "${HOME:-}" ] && mkdir -p "$HOME/$data_folder/bin" 2>/dev/null; then
  if [ ! -e "$HOME/$data_folder/bin/$commit" ]; then
    ln -sfn "$folder" "$HOME/$data_folder/bin/$commit" 2>/dev/null || true
  fi
fi

if [ -z "$relay_socket" ]; then
  exit 0
fi

# Each relay listens in a new temporary folder. A server that runs on after
# a window reload keeps the SSH_AUTH_SOCK it was started with, so it gets
# this link, and every attach points the link at its relay's socket.
# A unix socket path must fit in 108 bytes (sun_path), so a link in a long
# home folder is not used, nor one that cannot be written.
link=
if [ -n "${HOME:-}" ] && mkdir -p "$HOME/.devcontainer-open" 2>/dev/null; then
  link=$HOME/.devcontainer-open/ssh-auth.sock
fi
if [ -n "$link" ] && [ "${#link}" -lt 100 ] && ln -sfn "$relay_socket" "$link" 2>/dev/null; then
  echo "agent_socket=$link"
else
  echo "agent_socket=$relay_socket"
fi
