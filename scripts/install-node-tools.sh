#!/usr/bin/env bash
# Installs the Node.js tools qexp uses as references (idempotent):
#   1. node + npm (Debian packages `nodejs npm`, via apt-get, when missing; needs root),
#   2. tools/tflite_ref/node_modules via `npm ci` when missing or older than package-lock.json.
# Usage: scripts/install-node-tools.sh        (exit 0 when everything is in place)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL_DIR="${ROOT}/tools/tflite_ref"
MIN_NODE_MAJOR=18

die() {
  echo "install-node-tools: error: $*" >&2
  exit 1
}
say() { echo "install-node-tools: $*"; }

# --- 1. node and npm ------------------------------------------------------------------------
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  if [[ "$(id -u)" != 0 ]]; then
    die "${missing[*]} not installed and not running as root; run as root or install them: apt-get install ${missing[*]}"
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    die "apt-get install ${missing[*]} failed"
  command -v node >/dev/null 2>&1 || die "node still not found after installing nodejs"
  command -v npm >/dev/null 2>&1 || die "npm still not found after installing npm"
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')" ||
  die "cannot run node ($(command -v node))"
if ((node_major < MIN_NODE_MAJOR)); then
  die "node $(node --version) is too old: tools/tflite_ref needs Node.js >= ${MIN_NODE_MAJOR}"
fi

# --- 2. tools/tflite_ref dependencies -------------------------------------------------------
[[ -f "${TOOL_DIR}/package-lock.json" ]] || die "${TOOL_DIR}/package-lock.json is missing"
stamp_file="${TOOL_DIR}/node_modules/.qexp-install-stamp"
# The stamp covers what `npm ci` installs from: the lock, the manifest and the npm config.
want_stamp="$(cd "${TOOL_DIR}" && cat package-lock.json package.json .npmrc 2>/dev/null |
  sha256sum | cut -d' ' -f1)"
have_stamp="$(cat "${stamp_file}" 2>/dev/null || true)"
marker="${TOOL_DIR}/node_modules/@tensorflow/tfjs-tflite/wasm/tflite_web_api_cc.wasm"

if [[ "${have_stamp}" == "${want_stamp}" && -f "${marker}" ]]; then
  say "tools/tflite_ref: node_modules up to date"
else
  say "tools/tflite_ref: npm ci"
  (cd "${TOOL_DIR}" && npm ci --no-audit --no-fund) ||
    die "npm ci failed in ${TOOL_DIR} (is the npm registry reachable?)"
  [[ -f "${marker}" ]] || die "npm ci did not install ${marker}"
  echo "${want_stamp}" >"${stamp_file}"
fi
say "ok: node $(node --version), npm $(npm --version)"
