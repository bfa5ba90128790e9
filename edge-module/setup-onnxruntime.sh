#!/usr/bin/env bash
# Puts ONNX Runtime where the edge module looks for it: .tools/onnxruntime/lib/libonnxruntime.so (git-ignored).
# The library comes from npm's onnxruntime-node (its linux-x64 build ships libonnxruntime.so.1); the same install
# serves the benchmark's node comparison. Idempotent: does nothing when the pinned version is already in place.
#   ORT_NODE_VERSION  npm version to install (default below; the C# binding needs ORT API 22, i.e. >= 1.22)
set -euo pipefail
cd "$(dirname "$0")/.."

version="${ORT_NODE_VERSION:-1.22.0}"
prefix=.tools/onnxruntime
lib="$prefix/lib"
package="$prefix/node_modules/onnxruntime-node"

installed=""
[ -f "$package/package.json" ] && installed=$(node -p "require('./$package/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
  command -v npm >/dev/null || { echo "setup-onnxruntime: npm is required (apt-get install nodejs npm)" >&2; exit 1; }
  echo "installing onnxruntime-node@$version into $prefix"
  mkdir -p "$prefix"
  # --ignore-scripts: the package's postinstall only fetches optional CUDA provider binaries from outside npm.
  npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$prefix" "onnxruntime-node@$version" >/dev/null
fi

so=$(find "$package/bin" -path '*linux/x64/*' -name 'libonnxruntime.so*' | sort | head -n 1)
[ -n "$so" ] || { echo "setup-onnxruntime: no linux-x64 libonnxruntime.so in $package/bin" >&2; exit 1; }
mkdir -p "$lib"
target=$(realpath --relative-to="$lib" "$so")
ln -sfn "$target" "$lib/libonnxruntime.so"
ln -sfn "$target" "$lib/libonnxruntime.so.1"
echo "onnxruntime $version: $lib/libonnxruntime.so -> $so"
