#!/usr/bin/env sh
# Installs a prebuilt rulesmith release binary after checking its SHA-256 checksum.
#
#   scripts/install.sh [--version X.Y.Z] [--dir DIR] [--target TRIPLE] [--base-url URL] [--sha256 HEX]
#
# The version defaults to the one in Cargo.toml beside this script, and the release is read
# from the `repository` address in that Cargo.toml: the address lives there and nowhere else.
# `--base-url` points at another copy of the release assets: an https:// or file:// URL, or a
# directory. The archive's checksum is compared with `--sha256` when given, else with the
# `<archive>.sha256` file published beside it; on a mismatch nothing is installed. This script
# never builds from source and never installs a package by name from a registry.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
version=""
dir="${HOME:-.}/.local/bin"
target=""
base_url=""
expected=""

fail() {
  echo "rulesmith install: error: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --dir) dir="${2:?--dir needs a value}"; shift 2 ;;
    --target) target="${2:?--target needs a value}"; shift 2 ;;
    --base-url) base_url="${2:?--base-url needs a value}"; shift 2 ;;
    --sha256) expected="${2:?--sha256 needs a value}"; shift 2 ;;
    *) fail "unknown argument \`$1\`" ;;
  esac
done

# The first `key = "value"` line of Cargo.toml's [package] table.
package_field() {
  sed -n '/^\[package\]/,/^\[/s/^'"$1"' *= *"\(.*\)"$/\1/p' "$here/Cargo.toml" | head -n 1
}

if [ -z "$version" ]; then
  version=$(package_field version)
  [ -n "$version" ] || fail "no version given and none found in $here/Cargo.toml"
fi
version=${version#v}

if [ -z "$target" ]; then
  os=$(uname -s)
  arch=$(uname -m)
  case "$os/$arch" in
    Linux/x86_64 | Linux/amd64) target=x86_64-unknown-linux-musl ;;
    Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-gnu ;;
    Darwin/x86_64) target=x86_64-apple-darwin ;;
    Darwin/arm64 | Darwin/aarch64) target=aarch64-apple-darwin ;;
    MINGW*/* | MSYS*/* | CYGWIN*/* | Windows_NT/*) target=x86_64-pc-windows-msvc ;;
    *) fail "no prebuilt binary for $os/$arch; build from a checkout with \`cargo install --locked --path .\`" ;;
  esac
fi

if [ -z "$base_url" ]; then
  repository=$(package_field repository)
  [ -n "$repository" ] || fail "no repository address in $here/Cargo.toml"
  base_url="${repository%/}/releases/download/v$version"
fi
base_url=${base_url%/}

name="rulesmith-v$version-$target"
archive="$name.tar.gz"
exe=rulesmith
case "$target" in *windows*) exe=rulesmith.exe ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Copies `$base_url/$1` to `$2`: over https, from a file:// URL or from a directory.
fetch() {
  case "$base_url" in
    https://* | file://*)
      curl --proto '=https,file' --tlsv1.2 --fail --silent --show-error --location \
        --retry 3 --output "$2" "$base_url/$1" || fail "could not download $base_url/$1"
      ;;
    *://*) fail "unsupported release address $base_url: use https://, file:// or a directory" ;;
    *) cp "$base_url/$1" "$2" 2>/dev/null || fail "no $1 in $base_url" ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  fi
}

fetch "$archive" "$work/$archive"
if [ -z "$expected" ]; then
  fetch "$archive.sha256" "$work/$archive.sha256"
  expected=$(cut -d ' ' -f 1 <"$work/$archive.sha256")
fi
expected=$(printf '%s' "$expected" | tr 'A-F' 'a-f')
actual=$(sha256_of "$work/$archive")
[ "$actual" = "$expected" ] ||
  fail "checksum mismatch for $archive: expected $expected, got $actual; nothing was installed"

tar -xzf "$work/$archive" -C "$work"
[ -f "$work/$name/$exe" ] || fail "$archive holds no $name/$exe"
mkdir -p "$dir"
cp "$work/$name/$exe" "$dir/$exe.partial"
chmod 755 "$dir/$exe.partial"
mv -f "$dir/$exe.partial" "$dir/$exe"
echo "installed rulesmith $version ($target) to $dir/$exe"
