# Sourced by bin/claimflow. Every step is idempotent and fast when already done,
# so the warm path costs a few stat() calls.

CF_NODE_MAJOR=24
CF_TOOLS="$CLAIMFLOW_ROOT/.tools"

cf_say() { printf 'claimflow: %s\n' "$*" >&2; }
cf_die() { cf_say "$*"; exit 1; }

cf_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Node 24 from the npm registry (package `node`) when the machine's is older.
cf_ensure_node() {
  local local_bin="$CF_TOOLS/node/node_modules/.bin"
  if [ -x "$local_bin/node" ]; then
    export PATH="$local_bin:$PATH"
  fi
  if [ "$(cf_node_major)" -ge "$CF_NODE_MAJOR" ]; then return 0; fi
  command -v npm >/dev/null 2>&1 || cf_die "Node ${CF_NODE_MAJOR} is needed and npm is missing to fetch it: install Node.js ${CF_NODE_MAJOR} LTS"
  cf_say "provisioning Node ${CF_NODE_MAJOR} into .tools/node (one time)"
  mkdir -p "$CF_TOOLS/node"
  npm install --prefix "$CF_TOOLS/node" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "node@${CF_NODE_MAJOR}" >&2 || cf_die "could not install Node ${CF_NODE_MAJOR} from the npm registry"
  export PATH="$local_bin:$PATH"
  [ "$(cf_node_major)" -ge "$CF_NODE_MAJOR" ] || cf_die "Node ${CF_NODE_MAJOR} did not install into .tools/node"
}

# Install from the lock file when it changed since the last install. `npm install`
# rather than `npm ci`: npm ci rejects a lock that (rightly) omits other platforms'
# optional binaries (@swc/core-darwin-*, ...), and with an in-sync lock both install
# the same tree.
cf_ensure_deps() {
  local stamp="$CLAIMFLOW_ROOT/node_modules/.claimflow-lock"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$CLAIMFLOW_ROOT/package-lock.json"; then return 0; fi
  cf_say "installing npm packages"
  (cd "$CLAIMFLOW_ROOT" && npm install --no-audit --no-fund --loglevel=error >&2) || cf_die "npm install failed (see above)"
  cp "$CLAIMFLOW_ROOT/package-lock.json" "$stamp"
}

# Rebuild dist/web (the pages the API serves under /app/) when any web/ source is
# newer than its build; typechecked first, since Vite only strips types.
cf_ensure_web_build() {
  local stamp="$CLAIMFLOW_ROOT/dist/web/.build-stamp"
  if [ -f "$stamp" ] && [ -z "$(cd "$CLAIMFLOW_ROOT" && find web -newer "$stamp" -type f -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  cf_say "building the web pages"
  (cd "$CLAIMFLOW_ROOT" && npx tsc -p web/tsconfig.json --noEmit >&2 && npx vite build --config web/vite.config.mts >&2) \
    || cf_die "web build failed (see above)"
  touch "$stamp"
}

# Rebuild dist/ when any TypeScript source is newer than the last build.
cf_ensure_build() {
  cf_ensure_web_build
  local stamp="$CLAIMFLOW_ROOT/dist/.build-stamp" entry
  # tsc --incremental trusts dist/.tsbuildinfo and re-emits nothing for an unchanged source, even
  # when its output was deleted: without an entry point, build from scratch.
  for entry in ops/cli/main.js api/main.js ops/worker/main.js; do
    if [ ! -f "$CLAIMFLOW_ROOT/dist/$entry" ]; then
      rm -f "$CLAIMFLOW_ROOT/dist/.tsbuildinfo" "$stamp"
      break
    fi
  done
  if [ -f "$stamp" ] && [ -z "$(cd "$CLAIMFLOW_ROOT" && find x12 db workflows activities api ops bench tsconfig.json tsconfig.build.json \
      -newer "$stamp" \( -name '*.ts' -o -name '*.json' -o -name '*.sql' \) -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  cf_say "building"
  (cd "$CLAIMFLOW_ROOT" && npx tsc -p tsconfig.build.json >&2) || cf_die "TypeScript build failed (see above)"
  touch "$stamp"
}

cf_bootstrap() {
  cf_ensure_node
  cf_ensure_deps
  cf_ensure_build
}
