#!/usr/bin/env bash
# Installs code-server (a real VS Code in a browser) into a cache outside the clone,
# keyed by version, for the extension's end-to-end test. Prints the path of its
# `code-server` on success; exits 1 with one line saying why when it cannot.
#
# code-server's own postinstall downloads ripgrep from GitHub and builds native
# modules; neither works on a closed network as-is, so its steps are done by hand:
# install with --ignore-scripts, then rebuild the native modules from the Debian
# headers and use Debian's ripgrep.
set -euo pipefail

version="${1:?usage: install-code-server.sh VERSION}"
cache="${BENCHLENS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/benchlens}"
dest="$cache/code-server-$version"
bin="$dest/node_modules/.bin/code-server"

if [ -f "$dest/.complete" ] && [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

need_apt=()
for pair in rg:ripgrep pkg-config:pkg-config; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need_apt+=("${pair#*:}")
done
for pair in krb5-gssapi:libkrb5-dev x11:libx11-dev xkbfile:libxkbfile-dev libsecret-1:libsecret-1-dev; do
  pkg-config --exists "${pair%%:*}" 2>/dev/null || need_apt+=("${pair#*:}")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need_apt[*]} (apt) for code-server" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"; } >&2 \
      || { echo "cannot install ${need_apt[*]} with apt-get" >&2; exit 1; }
  else
    echo "code-server needs ${need_apt[*]} (apt), and this is not root: not installed" >&2
    exit 1
  fi
fi

tmp="$dest.partial.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
quiet=(--no-audit --no-fund --loglevel=error)
(
  cd "$tmp"
  echo '{"name": "benchlens-code-server", "private": true}' > package.json
  npm install "${quiet[@]}" --ignore-scripts "code-server@$version"
  cd node_modules/code-server/lib/vscode
  npm install "${quiet[@]}" --omit=dev --ignore-scripts
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm_config_yes=true npm rebuild "${quiet[@]}" kerberos native-watchdog node-pty \
    @parcel/watcher @vscode/deviceid @vscode/spdlog
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sf code-linux.sh code-server)
  (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
  (cd extensions && npm install "${quiet[@]}" --omit=dev --ignore-scripts)
  cd "$tmp"
  npm_config_yes=true npm rebuild "${quiet[@]}" argon2
) >&2 || { echo "code-server $version: npm install failed (see above)" >&2; exit 1; }

# its first run writes a config.yaml: into the install, not the user's ~/.config
XDG_CONFIG_HOME="$tmp/.config" XDG_DATA_HOME="$tmp/.local" \
  "$tmp/node_modules/.bin/code-server" --version >&2 \
  || { echo "code-server $version installed but does not start" >&2; exit 1; }
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
touch "$dest/.complete"
echo "$bin"
