#!/usr/bin/env bash
# Regenerates the committed Swift (and Python) code from proto/ — run after editing a .proto file.
# Needs Debian's protobuf-compiler and the swift-protobuf plugin, both fetched here when missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

command -v protoc >/dev/null || { sudo_cmd=$([ "$(id -u)" = 0 ] && echo "" || echo sudo); $sudo_cmd apt-get install -y protobuf-compiler; }

# Build protoc-gen-swift from the same swift-protobuf version the package resolves.
version=$(cd "$root" && swift package show-dependencies --format json 2>/dev/null \
  | python3 -c 'import json,sys
def walk(d):
    for p in d.get("dependencies", []):
        if p["identity"] == "swift-protobuf": print(p["version"]); return True
        if walk(p): return True
walk(json.load(sys.stdin))')
plugin_dir="$root/.build-protoc/swift-protobuf-$version"
if [ ! -x "$plugin_dir/.build/release/protoc-gen-swift" ]; then
  # From the package's own checkout when it has one (no network needed), else from GitHub.
  source="$root/.build/checkouts/swift-protobuf"
  [ -d "$source/.git" ] || source=https://github.com/apple/swift-protobuf
  rm -rf "$plugin_dir" && git clone -q --branch "$version" "$source" "$plugin_dir"
  (cd "$plugin_dir" && swift build -c release --product protoc-gen-swift)
fi

out="$here/Generated"
rm -rf "$out" "$here/python"
mkdir -p "$out" "$here/python"
protos=$(cd "$here/proto" && find iblagh -name '*.proto' | sort)
(cd "$here/proto" && protoc \
  --plugin="protoc-gen-swift=$plugin_dir/.build/release/protoc-gen-swift" \
  --swift_out="$out" --swift_opt=Visibility=Public --swift_opt=FileNaming=PathToUnderscores \
  --python_out="$here/python" \
  $protos)
touch "$here/python/iblagh/__init__.py" "$here/python/iblagh/v1/__init__.py"
echo "regenerated $(ls "$out" | wc -l) Swift files and the Python package in $here/python"
