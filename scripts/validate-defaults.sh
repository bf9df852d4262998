#!/usr/bin/env bash
# Re-checks the tuned defaults on the validation split (issue #10): each candidate setting is trained once on
# Fashion-MNIST's training split (the first 55,000 images; 1000 steps, batch 128) and scored on the validation split
# (the last 5,000 training images); the test split is not looked at. Close calls get a second seed.
#   scripts/validate-defaults.sh [steps]      -> bench/validate-defaults.jsonl and a Markdown table on stdout
# (FRESH=1 starts the results file over; otherwise runs already in it are kept)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
steps=${1:-1000}
out=bench/validate-defaults.jsonl
mkdir -p bench
./vqtok --version >/dev/null   # builds if needed
# run from a copy of the jars so that a rebuild during the sweep cannot pull them away
dist=$(mktemp -d /tmp/vqtok-dist.XXXXXX)
cp -r cli/target/vqtok-cli.jar cli/target/lib "$dist/"
export VQTOK_CLASSPATH="$dist/vqtok-cli.jar:$dist/lib/*"
[ "${FRESH:-0}" = 1 ] && : > "$out"
touch "$out"
run() {   # label, flags...; a label already in the results file is not run again (re-running the script continues it)
  local label=$1; shift
  if grep -qF "\"label\": \"$label\"" "$out"; then echo "== $label: done before" >&2; return; fi
  echo "== $label: vqtok train $*" >&2
  local json
  if json=$(./vqtok train --steps "$steps" --checkpoint-every 0 --out "$dist/model.vqt" --recon-png "$dist/r.png" --json "$@"); then
    echo "$json" | python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["label"]=sys.argv[1]; print(json.dumps(d))' "$label" >> "$out"
  else
    echo "== $label: FAILED" >&2
  fi
}
run "fsq 8,6,5 (default)" --quantizer fsq
run "fsq 8,6,5 seed 1" --quantizer fsq --seed 1
run "fsq 8,8,8" --quantizer fsq --levels 8,8,8
run "fsq 8,8,8 seed 1" --quantizer fsq --levels 8,8,8 --seed 1
run "fsq 5,5,5,4" --quantizer fsq --levels 5,5,5,4
run "simvq code dim 16 (default)" --quantizer simvq
run "simvq without projection (D=64)" --quantizer simvq --code-dim 0
run "cvq random anchors (default)" --quantizer cvq
run "cvq closest anchors" --quantizer cvq --anchor closest
run "lfq beta 0.25 invT 10 (default)" --quantizer lfq
run "lfq beta 0.01 invT 3" --quantizer lfq --beta 0.01 --inverse-temperature 3
run "lfq beta 0.01 invT 3 seed 1" --quantizer lfq --beta 0.01 --inverse-temperature 3 --seed 1
run "lfq beta 0.25 invT 10 seed 1" --quantizer lfq --seed 1
run "ibq dot logits (default)" --quantizer ibq
run "ibq distance logits" --quantizer ibq --ibq-logits distance
run "ema (default)" --quantizer ema
run "ema seed 1" --quantizer ema --seed 1
run "rotation" --quantizer rotation
run "vq" --quantizer vq
python3 - "$out" <<'PY'
import json, sys
print("| run | config | validation MSE | validation utilization | perplexity | train img/s |")
print("|---|---|---|---|---|---|")
for line in open(sys.argv[1]):
    d = json.loads(line); v = d["validation"]
    print(f"| {d['label']} | {d['config']} | {v['mse']:.5f} | {v['utilization']:.3f} | {v['perplexity']:.1f} | {d['train_img_per_s']:.0f} |")
PY
rm -rf "$dist"
