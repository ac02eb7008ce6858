#!/bin/sh
# Copies the subset of the DSFR's dist that Guichet's pages use into ../assets/dsfr/, so that the
# binary embeds it and a newcomer needs no node. Run after `npm ci` when package.json's pinned
# version changes: `npm ci && npm run refresh`. (.npmrc sets ignore-scripts: the DSFR's
# preinstall script expects a DSFR project and fails in ours.)
set -eu
cd "$(dirname "$0")"
src=node_modules/@gouvfr/dsfr/dist
dst=../assets/dsfr
[ -f "$src/dsfr.min.css" ] || { echo "run npm ci first" >&2; exit 1; }
rm -rf "$dst"
mkdir -p "$dst/fonts" "$dst/favicon"
cp "$src/dsfr.min.css" "$dst/"
# Only the woff2 fonts: every browser the RGAA targets reads them, and the CSS lists them first.
cp "$src"/fonts/*.woff2 "$dst/fonts/"
cp "$src/favicon/favicon.svg" "$src/favicon/favicon.ico" "$src/favicon/apple-touch-icon.png" "$dst/favicon/"
# The icons the stylesheet itself refers to (component decorations), nothing else.
grep -o 'url(icons/[^)]*)' "$src/dsfr.min.css" | sed 's/^url(//; s/)$//' | sort -u | while read -r icon; do
  mkdir -p "$dst/$(dirname "$icon")"
  cp "$src/$icon" "$dst/$icon"
done
cp node_modules/@gouvfr/dsfr/LICENSE.md "$dst/LICENSE.md"
version=$(node -p "require('./node_modules/@gouvfr/dsfr/package.json').version")
echo "$version" > "$dst/VERSION"
echo "DSFR $version copied to $dst ($(find "$dst" -type f | wc -l) files, $(du -sh "$dst" | cut -f1))"
