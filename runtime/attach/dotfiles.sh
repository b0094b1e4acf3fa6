# Steps of the dotfiles install, run as the remote user. The runtime picks
# the install script between the steps, so this file contains no policy.
#
# Arguments: $1 the step, then the step's arguments.
# Environment: DOTFILES_TARGET (a leading "~/" is relative to $HOME),
# DOTFILES_REPOSITORY for `clone`, DOTFILES_COMMAND for `install`.
#
#   check        prints "done" when the marker exists, "no-git" without git
#   clone NAME…  clones unless the target exists, then prints each NAME that
#                exists in the clone's root folder, one a line
#   install      runs DOTFILES_COMMAND (relative to the clone, or absolute)
#   link         symlinks the clone's top-level dotfiles into $HOME
#   mark         records that the dotfiles are installed
set -eu

marker="$HOME/.devcontainer/.dotfilesMarker"
target=${DOTFILES_TARGET:-"~/dotfiles"}
case $target in
  "~") target=$HOME ;;
  "~/"*) target="$HOME/${target#"~/"}" ;;
esac

step=$1
shift
case $step in
  check)
    if [ -e "$marker" ]; then
      echo done
    elif ! command -v git > /dev/null 2>&1; then
      echo no-git
    fi
    ;;
  clone)
    if [ ! -e "$target" ]; then
      git clone --depth 1 "$DOTFILES_REPOSITORY" "$target" >&2
    fi
    cd "$target"
    for name in "$@"; do
      if [ -e "$name" ]; then
        echo "$name"
      fi
    done
    ;;
  install)
    cd "$target"
    command=$DOTFILES_COMMAND
    if [ -f "./$command" ]; then
      command="./$command"
    elif [ ! -f "$command" ]; then
      echo "Could not find $command in $target" >&2
      exit 126
    fi
    if [ ! -x "$command" ]; then
      chmod +x "$command"
    fi
    echo "Running $command in $target"
    exec "$command"
    ;;
  link)
    linked=0
    for file in "$target"/.[!.]* "$target"/..?*; do
      [ -e "$file" ] || continue
      [ "$(basename "$file")" = .git ] && continue
      ln -sf "$file" "$HOME/"
      echo "Linked $file"
      linked=$((linked + 1))
    done
    [ "$linked" -gt 0 ] || echo "No dotfiles found in $target"
    ;;
  mark)
    mkdir -p "$(dirname "$marker")"
    touch "$marker"
    ;;
  *)
    echo "Unknown step $step" >&2
    exit 2
    ;;
esac
