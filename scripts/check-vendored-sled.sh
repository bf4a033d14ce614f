#!/usr/bin/env bash
# Checks that vendor/sled is the crates.io release of sled 0.34.7 plus
# vendor/sled/tiezheng.patch and nothing else (vendor/sled/TIEZHENG.md).
# Downloads the release from static.crates.io, where cargo fetches crates,
# and checks it against the checksum Cargo.lock held before the vendoring.
set -euo pipefail
cd "$(dirname "$0")/.."
SUM=7f96b4737c2ce5987354855aed3797279def4ebf734436c6aa4552cf8e169935
URL=https://static.crates.io/crates/sled/sled-0.34.7.crate
V=$PWD/vendor/sled
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

curl -sSfL --retry 3 --connect-timeout 20 --max-time 300 -o "$T/sled.crate" "$URL"
echo "$SUM  $T/sled.crate" | sha256sum -c --quiet -
tar -xzf "$T/sled.crate" -C "$T"
U=$T/sled-0.34.7
# The ceiling keeps git from treating a work tree above $T as the target.
GIT_CEILING_DIRECTORIES="$T" git -C "$U" apply -p1 "$V/tiezheng.patch"

diff -r "$U/src" "$V/src"
for f in Cargo.toml LICENSE-APACHE LICENSE-MIT README.md .cargo_vcs_info.json; do
    cmp "$U/$f" "$V/$f"
done
# Nothing else in vendor/sled but those files and Tiezheng's two.
files=$(cd "$V" && find . ! -type d ! -path './src/*' | sort)
extra=$(echo "$files" | grep -vxF \
    -e ./Cargo.toml -e ./LICENSE-APACHE -e ./LICENSE-MIT -e ./README.md \
    -e ./.cargo_vcs_info.json -e ./TIEZHENG.md -e ./tiezheng.patch || true)
if [ -n "$extra" ]; then
    echo "vendor/sled holds files the release does not: $extra" >&2
    exit 1
fi
echo "vendor/sled is sled 0.34.7 from crates.io (sha256 $SUM) plus tiezheng.patch"
