# Entrypoint of a compose dev container with overrideCommand: keeps the
# container running without the service's own command, and exits at once on
# SIGTERM so stopping the project takes no grace period.
echo Container started
trap "exit 0" TERM
while sleep 1000 & wait $!; do :; done
