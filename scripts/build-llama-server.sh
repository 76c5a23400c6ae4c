#!/usr/bin/env bash
# Builds llama.cpp's llama-server (CPU, no curl) from the exact source node-llama-cpp ships
# (llama/gitRelease.bundle), and caches it keyed by that source, so the external and managed
# llama-server engines are tested against the llama.cpp our built-in engine runs.
# Prints the path of the binary on its last line. Safe to run concurrently (flock) and again.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
package_dir="$(ls -d "$repo_root"/node_modules/.pnpm/node-llama-cpp@*/node_modules/node-llama-cpp | head -n 1)"
bundle="$package_dir/llama/gitRelease.bundle"
[ -f "$bundle" ] || { echo "build-llama-server: no $bundle (run pnpm install first)" >&2; exit 1; }

# Keyed by the bundle's content, not only its tag: a node-llama-cpp upgrade gets a fresh build.
key="$(sha256sum "$bundle" | cut -c1-16)"
cache_root="${PADDLER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/paddler}"
target="$cache_root/llama-server/$key"
binary="$target/bin/llama-server"

mkdir -p "$cache_root/llama-server"
exec 9>"$cache_root/llama-server/$key.lock"
flock 9

if [ ! -x "$binary" ]; then
  for tool in cmake g++ git; do
    command -v "$tool" >/dev/null || { echo "build-llama-server: $tool is missing (apt-get install cmake g++ git)" >&2; exit 1; }
  done
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "build-llama-server: building llama-server from $bundle (10-20 minutes on two cores)" >&2
  git clone --quiet "$bundle" "$work/src"
  cmake -S "$work/src" -B "$work/build" -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DGGML_NATIVE=ON -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_BUILD_RPATH='$ORIGIN' >&2
  cmake --build "$work/build" --target llama-server -j "$(nproc)" >&2
  rm -rf "$target.partial"
  mkdir -p "$target.partial/bin"
  # The binary loads its ggml/llama shared libraries from beside itself (RPATH $ORIGIN).
  cp -a "$work/build/bin/." "$target.partial/bin/"
  rm -rf "$target"
  mv "$target.partial" "$target"
fi

echo "$binary"
