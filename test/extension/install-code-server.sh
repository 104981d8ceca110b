#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 on Node 20) for the extension tests, offline-safe:
# npm registry + Debian packages only, cached at ~/.cache/spendgate/code-server-$VER.
# Usage: bash test/extension/install-code-server.sh   (prints the code-server binary path last)
set -euo pipefail
VER="${CODE_SERVER_VERSION:-4.100.3}"
DEST="${SPENDGATE_CODE_SERVER_DIR:-$HOME/.cache/spendgate/code-server-$VER}"
BIN="$DEST/node_modules/.bin/code-server"
if [ -f "$DEST/.complete" ] && [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

# ripgrep stands in for @vscode/ripgrep's GitHub download; libkrb5-dev builds the kerberos addon;
# chromium is the browser the tests drive.
need=()
command -v rg >/dev/null || need+=(ripgrep)
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update >/dev/null || true
  apt-get install -y --no-install-recommends "${need[@]}"
fi

mkdir -p "$DEST" && cd "$DEST"
[ -f package.json ] || npm init -y >/dev/null
# The package without its postinstall, which would fetch ripgrep from GitHub and abort.
npm install --ignore-scripts --no-audit --no-fund "code-server@$VER" >&2
npm rebuild argon2 >&2 || echo "warning: argon2 did not build (only --auth password needs it)" >&2

# What code-server's postinstall.sh does, by hand.
cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts --no-audit --no-fund >&2
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm_config_yes=true npm rebuild >&2
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
cd extensions
npm install --omit=dev --ignore-scripts --no-audit --no-fund >&2
node postinstall.mjs >/dev/null

# VS Code 1.100 ignores ?payload= extensionDevelopmentPath/extensionTestsPath unless the smoke-test
# driver is on, and code-server's CLI parser rejects that flag unless taught it.
CLI="$DEST/node_modules/code-server/out/node/cli.js"
if ! grep -q '"enable-smoke-test-driver"' "$CLI"; then
  sed -i 's|^    "disable-workspace-trust": {|    "enable-smoke-test-driver": { type: "boolean", description: "Enable the smoke test driver (patched in)" },\n    "disable-workspace-trust": {|' "$CLI"
fi
XDG_CONFIG_HOME="$(mktemp -d)" "$BIN" --version >&2
touch "$DEST/.complete"
echo "$BIN"
