# Prints the path of a node binary the remote user can run in the container,
# or nothing: node on PATH first, else the one the browser mode copied in
# under the folder given as the first argument.
if command -v node 2>/dev/null; then
  exit 0
fi
for candidate in "$1"/*/node; do
  if [ -x "$candidate" ]; then
    printf '%s\n' "$candidate"
    exit 0
  fi
done
exit 0
