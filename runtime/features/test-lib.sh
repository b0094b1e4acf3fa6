#!/bin/sh
# dev-container-features-test-lib: the helpers Feature test scripts source.
#   check LABEL COMMAND [ARGS...]  runs COMMAND and records whether it passed
#   reportResults                   prints the summary and exits 1 if a check failed
# Works in bash and in POSIX sh.

FAILED_CHECKS=""

check() {
  check_label=$1
  shift
  echo "Testing '$check_label'"
  if "$@"; then
    echo "Passed '$check_label'"
    return 0
  fi
  echo "Failed '$check_label'"
  FAILED_CHECKS="$FAILED_CHECKS '$check_label'"
  return 1
}

reportResults() {
  if [ -n "$FAILED_CHECKS" ]; then
    echo "Failed checks:$FAILED_CHECKS"
    exit 1
  fi
  echo "All checks passed"
  exit 0
}
