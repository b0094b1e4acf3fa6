# Starts the process of an SSH session request the way sshd does: with the
# remote user's login shell from /etc/passwd, as `SHELL -c COMMAND` for an
# exec request and as a login shell for a shell request.
#
# Input (environment):
#   DEVCONTAINER_SSH_COMMAND  the exec request's command; unset for a shell
#   DEVCONTAINER_SSH_COLUMNS, DEVCONTAINER_SSH_ROWS
#                             the pseudo-terminal's size, set with a pty-req
# These three are removed before the shell starts. A user without a shell
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
exec "$user_shell" -l
