# Starts the process of an SSH session request the way sshd does: with the
# remote user's login shell from /etc/passwd, as `SHELL -c COMMAND` for an
# exec request and as a login shell for a shell request.
#
# Input (environment):
#   DEVCONTAINER_SSH_COMMAND  the exec request's command; unset for a shell
#   DEVCONTAINER_SSH_COLUMNS, DEVCONTAINER_SSH_ROWS
#                             the pseudo-terminal's size, set with a pty-req
#   DEVCONTAINER_SSH_SPARE    set for a spare shell, which starts before its
#                             request arrives (runtime/bridge/ssh/spareShell.ts)
# These four are removed before the shell starts. A user without a shell
# entry, or with nologin or false as its shell, gets /bin/sh.

uid=$(id -u)
user_name=
user_shell=
while IFS=: read -r name _ entry_uid _ _ _ shell; do
  if [ "$entry_uid" = "$uid" ]; then
    user_name=$name
    user_shell=$shell
    break
  fi
done </etc/passwd

case "$user_shell" in
  '' | */nologin | */false) user_shell=/bin/sh ;;
esac
[ -x "$user_shell" ] || user_shell=/bin/sh
export SHELL="$user_shell"
if [ -n "$user_name" ]; then
  export USER="$user_name" LOGNAME="$user_name"
fi

# A spare shell has looked the user up already and now waits for its request:
# one line of shell code on stdin that exports the request's variables (env
# requests and DEVCONTAINER_SSH_COMMAND), with newlines in values written as
# $nl. Stdin ending first means no request came.
if [ -n "${DEVCONTAINER_SSH_SPARE:-}" ]; then
  unset DEVCONTAINER_SSH_SPARE
  nl='
'
  IFS= read -r request_exports || exit 0
  eval "$request_exports"
  unset request_exports nl
fi

# Scripts test these to detect an SSH session, as sshd sets them. The client's
# address is unknown behind a ProxyCommand, so both ends read as loopback.
export SSH_CONNECTION='127.0.0.1 0 127.0.0.1 22' SSH_CLIENT='127.0.0.1 0 22'
if [ -t 0 ]; then
  SSH_TTY=$(tty) && export SSH_TTY
fi

# The engine's exec resize can land after the shell read the size, so the
# terminal gets its size here too.
if [ -n "${DEVCONTAINER_SSH_COLUMNS:-}" ]; then
  stty cols "$DEVCONTAINER_SSH_COLUMNS" rows "$DEVCONTAINER_SSH_ROWS" 2>/dev/null || true
fi
unset DEVCONTAINER_SSH_COLUMNS DEVCONTAINER_SSH_ROWS

if [ "${DEVCONTAINER_SSH_COMMAND+set}" = set ]; then
  command=$DEVCONTAINER_SSH_COMMAND
  unset DEVCONTAINER_SSH_COMMAND
  exec "$user_shell" -c "$command"
fi
# sshd starts a login shell with a dash before its name ($0 is -bash), which
# bash, zsh and ksh can set with `exec -a`. Other shells get the -l flag.
case "$user_shell" in
  */bash | */zsh | */ksh | */mksh)
    exec "$user_shell" -c 'exec -a "-${0##*/}" "$0"' "$user_shell" ;;
esac
exec "$user_shell" -l
