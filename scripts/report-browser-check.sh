#!/usr/bin/env bash
# Renders a `vqtok report` page in headless Chromium (Debian's chromium, installed if missing) and fails on console
# errors: the page runs no script and loads nothing, so any console message (an uncaught error, a resource that failed
# to load) fails, as does any src/href that is not a data: URI or an anchor. Also checks that the rendered DOM holds
# every section and as many images as the file. Saves a screenshot.
#   scripts/report-browser-check.sh [REPORT.html] [SCREENSHOT.png]      (default screenshot: bench/report.png)
# Without REPORT it trains a tiny Fashion-MNIST model (40 steps) in a temporary folder and reports on it first.
# Exit 0 only when the page rendered without console errors.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
html=${1:-}
png=${2:-bench/report.png}
work=$(mktemp -d /tmp/vqtok-browser.XXXXXX)
trap 'rm -rf "$work"' EXIT
say() { echo "report-browser-check: $*"; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $browser ]]; then
  say "installing chromium (Debian package)"
  sudo_cmd=""; [[ $(id -u) != 0 ]] && sudo_cmd="sudo"
  if ! DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null 2>&1; then
    $sudo_cmd apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
  fi
  browser=$(command -v chromium)
fi
say "$("$browser" --version 2>/dev/null || echo "$browser")"

if [[ -z $html ]]; then
  ./vqtok --version >/dev/null   # builds if needed
  say "training a tiny model in $work"
  VQTOK_SKIP_BUILD=1 ./vqtok train --data fashion-mnist --steps 40 --batch 64 --codebook-size 64 --dim 32 \
      --checkpoint-every 0 --eval-limit 200 --out "$work/tiny.vqt" >/dev/null 2>"$work/train.err" \
    || { cat "$work/train.err" >&2; exit 1; }
  html=$work/report.html
  VQTOK_SKIP_BUILD=1 ./vqtok report --model "$work/tiny.vqt" --limit 1000 --out "$html"
fi
[[ -f $html ]] || { say "no such file: $html" >&2; exit 2; }
url="file://$(realpath "$html")"
mkdir -p "$(dirname "$png")"
flags=(--headless --disable-gpu --no-sandbox --hide-scrollbars --enable-logging=stderr --v=0 --virtual-time-budget=5000)

# the screenshot, then the DOM after load; both runs' logs are searched for console errors
"$browser" "${flags[@]}" --window-size=1200,3000 --screenshot="$(realpath -m "$png")" "$url" >"$work/shot.out" 2>"$work/shot.log" || true
"$browser" "${flags[@]}" --dump-dom "$url" >"$work/dom.html" 2>"$work/dom.log" || true

status=0
# the report runs no script and loads nothing, so any console message at all is an error
console=$(grep -hE "CONSOLE|Uncaught|Failed to load resource|net::ERR_|Not allowed to load" "$work/shot.log" "$work/dom.log" || true)
if [[ -n $console ]]; then
  say "FAIL: console messages:"; echo "$console"; status=1
fi
# every image, player and link is inline (data: URI) or an anchor on the page
external=$(grep -oE '(src|href)="[^"#][^"]*"' "$work/dom.html" | grep -v '^[a-z]*="data:' | cut -c1-120 || true)
if [[ -n $external ]]; then
  say "FAIL: references outside the page:"; echo "$external"; status=1
fi

for id in curves eval usage reconstructions config provenance; do
  grep -q "<section id=\"$id\">" "$work/dom.html" || { say "FAIL: section '$id' missing from the rendered DOM"; status=1; }
done
in_file=$(grep -o "<img " "$html" | wc -l)
in_dom=$(grep -o "<img " "$work/dom.html" | wc -l)
[[ $in_file == "$in_dom" ]] || { say "FAIL: $in_file images in the file, $in_dom in the rendered DOM"; status=1; }

if [[ ! -s $png ]]; then
  say "FAIL: no screenshot written to $png"; cat "$work/shot.log" >&2; status=1
else
  size=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))' "$png")
  say "screenshot $png ($size, $(stat -c %s "$png") bytes)"
fi
say "$(basename "$html"): $(stat -c %s "$html") bytes, $in_dom images and $(grep -o '<audio ' "$work/dom.html" | wc -l) audio players in the DOM, $(echo -n "$console" | grep -c . || true) console messages"
if (( status == 0 )); then say "OK: rendered without console errors"; else say "FAILED"; fi
exit $status
