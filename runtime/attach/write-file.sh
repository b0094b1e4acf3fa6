# Writes stdin to a file as the user this runs as, creating its folder.
# The file is written beside its target and renamed, so a reader never sees
# half of it.
#
# Arguments: $1 the file's path, $2 its mode (for example 600), or empty to
# keep the default. A path that starts with "~/" is relative to $HOME.
set -eu

target=$1
case $target in
  "~/"*) target="$HOME/${target#"~/"}" ;;
esac
mkdir -p "$(dirname "$target")"
temporary="$target.tmp-$$"
cat > "$temporary"
if [ -n "${2:-}" ]; then
  chmod "$2" "$temporary"
fi
mv -f "$temporary" "$target"
