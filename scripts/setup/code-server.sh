#!/usr/bin/env bash
# Install code-server 4.96.4 (Code-OSS 1.96) from the npm registry into the
# host cache, from where the runtime copies it into containers.
#
# The package's postinstall script cannot run here, because the install it
# starts fetches from GitHub. lib/vscode pins @vscode/proxy-agent to a git
# commit, and @vscode/ripgrep downloads its binary from GitHub releases. So
# this script installs with install scripts off, repeats the postinstall steps
# by hand, and runs `npm rebuild` for each native module.
#
# Result: ${DEVCONTAINERS_CACHE:-/var/cache/open-devcontainers}/code-server-4.96.4,
# the code-server package folder with its dependencies in node_modules. Start it
# with `node DIR/out/node/entry.js`. The build needs Node.js 20, a C++ toolchain,
# and Debian's libkrb5-dev and ripgrep (scripts/setup/packages.sh installs them).
# A finished install contains the file .complete, and a later run exits at once.
set -euo pipefail

version=4.96.4
proxy_agent_version=0.27.0
cache=${DEVCONTAINERS_CACHE:-/var/cache/open-devcontainers}
dest=$cache/code-server-$version

if [ -f "$dest/.complete" ]; then
  exit 0
fi

# Native modules that lib/vscode needs at run time. Their install scripts were
# skipped, so `npm rebuild` builds them.
vscode_native_modules=(kerberos @parcel/watcher @vscode/deviceid @vscode/spdlog native-watchdog node-pty)

log=$cache/code-server-$version.log
work=
current_step=
started_at=$EPOCHREALTIME

say() {
  echo "code-server: $*"
}

elapsed_since() {
  awk -v start="$1" -v end="$EPOCHREALTIME" 'BEGIN { printf "%.1f", end - start }'
}

on_exit() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    if [ -n "$current_step" ]; then
      say "step '$current_step' failed (exit status $status); last lines of $log:" >&2
      tail -n 40 "$log" >&2 || true
    fi
    if [ -n "$work" ]; then
      rm -rf "$work"
    fi
  fi
}
trap on_exit EXIT

# Run one named step with its output in the log, and print its wall time.
run_step() {
  local name=$1
  shift
  current_step=$name
  local step_started_at=$EPOCHREALTIME
  say "$name ..."
  echo "=== $name" >>"$log"
  "$@" >>"$log" 2>&1
  say "$name done in $(elapsed_since "$step_started_at") s"
  current_step=
}

check_requirements() {
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$node_major" != 20 ]; then
    echo "code-server $version requires Node.js 20, but node is $(node --version)" >&2
    return 1
  fi

  for tool in npm make g++ python3; do
    if ! command -v "$tool" >/dev/null; then
      echo "$tool not found; node-gyp needs it to build the native modules" >&2
      return 1
    fi
  done

  # The Debian packages may still be installing in the background, so wait
  # up to 5 minutes for them.
  local deadline=$((SECONDS + 300))
  until dpkg -s libkrb5-dev ripgrep >/dev/null 2>&1 && [ -x /usr/bin/rg ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "Debian packages libkrb5-dev and ripgrep are still not installed after 5 minutes. Install them with scripts/setup/packages.sh" >&2
      return 1
    fi
    echo "waiting for Debian packages libkrb5-dev and ripgrep"
    sleep 10
  done
}

fetch_package() {
  cd "$work"
  npm install --ignore-scripts --no-audit --no-fund "code-server@$version"
}

# Point @vscode/proxy-agent at the registry tarball of the same version in
# place of the git commit, which would be fetched from GitHub. The entry's
# integrity field is removed as well, so npm does not check the tarball's hash.
patch_shrinkwrap() {
  local tarball
  tarball=$(npm view "@vscode/proxy-agent@$proxy_agent_version" dist.tarball)
  if [ -z "$tarball" ]; then
    echo "npm view returned no tarball URL for @vscode/proxy-agent@$proxy_agent_version" >&2
    return 1
  fi

  SHRINKWRAP="$package/lib/vscode/npm-shrinkwrap.json" TARBALL="$tarball" VERSION="$proxy_agent_version" node -e '
    const fs = require("fs");
    const file = process.env.SHRINKWRAP;
    const shrinkwrap = JSON.parse(fs.readFileSync(file, "utf8"));
    const entry = shrinkwrap.packages["node_modules/@vscode/proxy-agent"];
    if (!entry) {
      throw new Error(`${file} has no entry for node_modules/@vscode/proxy-agent`);
    }
    if (entry.version !== process.env.VERSION) {
      throw new Error(`${file} pins @vscode/proxy-agent ${entry.version}, expected ${process.env.VERSION}`);
    }
    entry.resolved = process.env.TARBALL;
    delete entry.integrity;
    fs.writeFileSync(file, JSON.stringify(shrinkwrap, null, 2) + "\n");
  '
}

install_vscode_dependencies() {
  cd "$package/lib/vscode"
  npm install --omit=dev --ignore-scripts --no-audit --no-fund
}

rebuild_vscode_native_modules() {
  cd "$package/lib/vscode"
  npm rebuild "${vscode_native_modules[@]}"
}

# @vscode/ripgrep's install script would download rg from GitHub releases.
install_ripgrep() {
  local bin_dir=$package/lib/vscode/node_modules/@vscode/ripgrep/bin
  mkdir -p "$bin_dir"
  cp /usr/bin/rg "$bin_dir/rg"
}

# Make the links that code-server's postinstall.sh makes on Linux. The server
# and extensions read files under node_modules.asar, and the integrated
# terminal runs the `code-server` command and the browser helper from bin/.
create_postinstall_links() {
  cd "$package/lib/vscode"
  ln -sfn node_modules node_modules.asar
  ln -sfn code-linux.sh bin/remote-cli/code-server
  ln -sfn browser-linux.sh bin/helpers/browser.sh
}

install_extension_dependencies() {
  cd "$package/lib/vscode/extensions"
  npm install --omit=dev --ignore-scripts --no-audit --no-fund
}

rebuild_argon2() {
  cd "$work"
  npm rebuild argon2
}

# Move the package's dependencies from the install folder into the package
# folder, so the package folder alone is a working install.
flatten_layout() {
  if [ -e "$package/node_modules" ]; then
    echo "$package/node_modules exists; expected every dependency hoisted to $work/node_modules" >&2
    return 1
  fi
  mv "$package" "$work/code-server"
  package=$work/code-server
  # This file is npm's record of the tree before the move, and its paths no
  # longer match.
  rm -f "$work/node_modules/.package-lock.json"
  mv "$work/node_modules" "$package/node_modules"
}

# Remove files that the server never reads at run time on Linux, because this
# folder is later copied into every container. These are source maps, which
# only debuggers read, and node-gyp's intermediate build output. Also removed
# are node-pty's Windows build inputs and Node.js headers, and the Windows
# binaries of @vscode/windows-process-tree, which Code-OSS loads only on Windows.
prune() {
  cd "$package"
  find . -type f \( -name '*.js.map' -o -name '*.mjs.map' -o -name '*.cjs.map' -o -name '*.css.map' -o -name '*.ts.map' \) -delete
  find . -type d \( -path '*/build/Release/obj.target' -o -path '*/build/Release/.deps' -o -path './node_modules/argon2/build-tmp-*' \) -prune -exec rm -rf {} +
  rm -rf lib/vscode/node_modules/node-pty/third_party \
    lib/vscode/node_modules/node-pty/deps/winpty \
    lib/vscode/node_modules/@vscode/windows-process-tree/build
}

# Load every native module from the finished folder, hash with argon2 and
# spawn a shell through node-pty, so a missing or broken build fails here.
verify_native_modules() {
  CODE_SERVER_DIR="$package" node -e '
    const path = require("path");
    const root = process.env.CODE_SERVER_DIR;
    const vscodeModules = path.join(root, "lib/vscode/node_modules");
    for (const name of ["kerberos", "@parcel/watcher", "@vscode/deviceid", "@vscode/spdlog", "native-watchdog"]) {
      require(path.join(vscodeModules, name));
      console.log(`loaded ${name}`);
    }

    const argon2 = require(path.join(root, "node_modules/argon2"));
    const pty = require(path.join(vscodeModules, "node-pty"));
    (async () => {
      const hash = await argon2.hash("check");
      if (!(await argon2.verify(hash, "check"))) {
        throw new Error("argon2 failed to verify its own hash");
      }
      console.log("argon2 hashed and verified");

      const exitCode = await new Promise((resolve) => {
        const child = pty.spawn("/bin/sh", ["-c", "exit 7"], {});
        child.onExit(({ exitCode }) => resolve(exitCode));
      });
      if (exitCode !== 7) {
        throw new Error(`node-pty child exited with ${exitCode}, expected 7`);
      }
      console.log("node-pty spawned a shell");
    })().catch((error) => {
      console.error(error);
      process.exit(1);
    });
  '
}

mkdir -p "$cache"

# Serialize concurrent runs. The second one finds the marker and exits.
exec {lock_fd}>"$cache/.code-server-$version.lock"
flock "$lock_fd"
if [ -f "$dest/.complete" ]; then
  exit 0
fi

# Folders left by an earlier run that was killed, or that failed to finish.
rm -rf "$dest" "$cache/.code-server-$version.build."*

: >"$log"
work=$(mktemp -d "$cache/.code-server-$version.build.XXXXXX")
package=$work/node_modules/code-server
say "installing $version into $dest (log: $log)"

run_step "check requirements" check_requirements
run_step "npm install code-server@$version" fetch_package
run_step "patch lib/vscode/npm-shrinkwrap.json" patch_shrinkwrap
run_step "npm install in lib/vscode" install_vscode_dependencies
run_step "npm rebuild in lib/vscode" rebuild_vscode_native_modules
run_step "copy /usr/bin/rg" install_ripgrep
run_step "link node_modules.asar and bin scripts" create_postinstall_links
run_step "npm install in lib/vscode/extensions" install_extension_dependencies
run_step "npm rebuild argon2" rebuild_argon2
run_step "move dependencies into the package folder" flatten_layout
run_step "prune files unused at run time" prune
run_step "check native modules" verify_native_modules

current_step="rename into place"
mv -T "$package" "$dest"
rm -rf "$work"
work=
touch "$dest/.complete"
current_step=

say "installed in $dest: $(du -sh "$dest" | cut -f1), $(find "$dest" | wc -l) files, $(elapsed_since "$started_at") s in total"
