#!/usr/bin/env bash
# Refreshes the front-end files vendored into internal/web/static/vendor from
# the npm registry. The binary embeds them, so building needs nothing but Go;
# run this only to change a version, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
HTMX=2.0.11
# ECharts: the "simple" build (bar, line, pie; about 470 KB, 150 KB
# compressed) is all the dashboards need; pages load it only where they
# draw a chart.
ECHARTS=5.6.0
out=internal/web/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "htmx.org@$HTMX" >/dev/null && tar xzf htmx.org-$HTMX.tgz)
cp "$tmp/package/dist/htmx.min.js" "$out/htmx.min.js"
cp "$tmp/package/LICENSE" "$out/htmx.LICENSE"
(cd "$tmp" && npm pack --silent "echarts@$ECHARTS" >/dev/null && mkdir echarts && tar xzf echarts-$ECHARTS.tgz -C echarts)
cp "$tmp/echarts/package/dist/echarts.simple.min.js" "$out/echarts.min.js"
cp "$tmp/echarts/package/LICENSE" "$out/echarts.LICENSE"
echo "htmx $HTMX" > "$out/VERSIONS"
echo "echarts $ECHARTS (dist/echarts.simple.min.js)" >> "$out/VERSIONS"
ls -l "$out"
