# Sends a signal to the processes of SSH sessions, found by the session id
# that each session's environment carries (DEVCONTAINER_SSH_SESSION), since
# the Engine API has no call that signals an exec's process.
#
# Arguments: SIGNAL SCOPE ID... where SIGNAL is a name such as HUP or TERM,
# and SCOPE is `all` (every process of the sessions, as a hang-up reaches
# the whole session) or `leader` (only the session's first process, as an
# SSH signal request does). Processes that replaced their environment are
# not found.
signal=$1
scope=$2
shift 2

has_id() {
  tr '\0' '\n' <"$1/environ" 2>/dev/null | grep -qx "DEVCONTAINER_SSH_SESSION=$2"
}

# Prints a process's parent id. The command name in /proc/PID/stat may
# contain spaces, so the fields are read after its closing parenthesis.
parent_of() {
  stat=$(cat "$1/stat" 2>/dev/null) || return 1
  rest=${stat##*) }
  printf '%s\n' "$rest" | cut -d' ' -f2
}

for id in "$@"; do
  for process in /proc/[0-9]*; do
    has_id "$process" "$id" || continue
    if [ "$scope" = leader ]; then
      # The leader's parent is outside the session.
      parent=$(parent_of "$process") || continue
      has_id "/proc/$parent" "$id" && continue
    fi
    kill -s "$signal" "${process#/proc/}" 2>/dev/null || true
  done
done
