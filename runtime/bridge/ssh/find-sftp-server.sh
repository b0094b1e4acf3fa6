# Prints the path of the first SFTP server binary the container has, or
# nothing. The arguments are the paths to try, in order.
for candidate in "$@"; do
  if [ -x "$candidate" ]; then
    printf '%s\n' "$candidate"
    exit 0
  fi
done
exit 0
