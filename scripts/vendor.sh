#!/usr/bin/env bash
# Refreshes the front-end files vendored into internal/web/static/vendor from
# the npm registry. The binary embeds them, so building needs nothing but Go;
# run this only to change a version, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
HTMX=2.0.11
out=internal/web/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "htmx.org@$HTMX" >/dev/null && tar xzf htmx.org-$HTMX.tgz)
cp "$tmp/package/dist/htmx.min.js" "$out/htmx.min.js"
cp "$tmp/package/LICENSE" "$out/htmx.LICENSE"
echo "htmx $HTMX" > "$out/VERSIONS"
ls -l "$out"
