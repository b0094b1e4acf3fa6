#!/bin/sh
# Prints the environment a shell of the current user sets up, between two
# marker lines, so output from the user's rc files cannot be mistaken for it.
#
# Input from the environment:
#   DEVCONTAINER_PROBE_FLAGS  shell flags: -lic, -lc or -ic
#   DEVCONTAINER_PROBE_MARK   marker text, unique per run
flags=$DEVCONTAINER_PROBE_FLAGS
mark=$DEVCONTAINER_PROBE_MARK
unset DEVCONTAINER_PROBE_FLAGS DEVCONTAINER_PROBE_MARK

user_shell=
if command -v getent >/dev/null 2>&1; then
  user_shell=$(getent passwd "$(id -un 2>/dev/null || id -u)" | cut -d: -f7)
elif [ -r /etc/passwd ]; then
  user_shell=$(grep "^$(id -un 2>/dev/null):" /etc/passwd | cut -d: -f7)
fi
if [ -z "$user_shell" ] || [ ! -x "$user_shell" ]; then
  user_shell=/bin/sh
fi

# The environment of the shell itself, NUL-separated so values may contain newlines.
exec "$user_shell" "$flags" "printf '%s' \"$mark\"; cat /proc/self/environ; printf '%s' \"$mark\"" </dev/null
