#!/usr/bin/env bash
# Benchmarks that print figures and write them to bench/ (never timed unit tests).
#   scripts/bench.sh quantizers [steps]     train vq, rotation, ema, fsq, rvq on Fashion-MNIST (K=512, D=64, batch 128)
#   scripts/bench.sh reference [steps] [rounds]
#                                           vqtok vs the PyTorch reference (../shared/reference), same model, data,
#                                           batch, steps and quantizer (vq), alternated in one run; prints ratios
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mode=${1:-quantizers}
out=bench
mkdir -p "$out"
./vqtok --version >/dev/null   # builds if needed

case $mode in
quantizers)
  steps=${2:-1000}
  file=$out/quantizers.jsonl
  : > "$file"
  for q in vq rotation ema fsq rvq; do
    echo "== $q ($steps steps)" >&2
    VQTOK_SKIP_BUILD=1 ./vqtok train --quantizer "$q" --steps "$steps" --out "$out/$q.vqt" --recon-png "$out/$q.png" --json >> "$file"
  done
  python3 - "$file" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print("| quantizer | config | K | steps | train img/s | test MSE | PSNR dB | utilization | perplexity | dead codes | encode img/s |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    t = r["test"]
    print(f"| {r['quantizer']} | {r['config']} | {r['codebook_size']} | {r['steps']} | {r['train_img_per_s']:.0f} | {t['mse']:.5f} | "
          f"{t['psnr_db']:.2f} | {t['utilization']:.3f} | {t['perplexity']:.1f} | {t['dead_codes']} | {r['encode_img_per_s']:.0f} |")
PY
  ;;
reference)
  steps=${2:-300}
  rounds=${3:-2}
  ref=${VQTOK_REFERENCE:-$root/../shared/reference/run.sh}
  [[ -f $ref ]] || { echo "bench: PyTorch reference not found at $ref" >&2; exit 1; }
  file=$out/reference.jsonl
  : > "$file"
  for ((i = 1; i <= rounds; i++)); do
    echo "== round $i: PyTorch" >&2
    bash "$ref" --quantizer vq --steps "$steps" --lr 1e-3 | sed 's/^/{"impl":"pytorch",/; s/^{"impl":"pytorch",{/{"impl":"pytorch",/' >> "$file"
    echo "== round $i: vqtok" >&2
    VQTOK_SKIP_BUILD=1 ./vqtok train --quantizer vq --steps "$steps" --lr 1e-3 --out "$out/ref-vq.vqt" --recon-png "$out/ref-vq.png" --json \
      | sed 's/^{/{"impl":"vqtok",/' >> "$file"
  done
  python3 - "$file" <<'PY'
import json, sys, statistics as st
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
py = [r for r in rows if r["impl"] == "pytorch"]
vq = [r for r in rows if r["impl"] == "vqtok"]
def med(rs, k): return st.median(r[k] for r in rs)
tr_py, tr_vq = med(py, "train_img_per_s"), med(vq, "train_img_per_s")
en_py, en_vq = med(py, "encode_img_per_s"), med(vq, "encode_img_per_s")
print(f"training img/s (median of {len(py)} alternated runs): pytorch {tr_py:.0f}, vqtok {tr_vq:.0f}, ratio vqtok/pytorch {tr_vq/tr_py:.2f}x")
print(f"encoding img/s: pytorch {en_py:.0f}, vqtok {en_vq:.0f}, ratio {en_vq/en_py:.2f}x")
print(f"test MSE: pytorch {med(py, 'test_mse'):.5f}, vqtok {st.median(r['test']['mse'] for r in vq):.5f}")
PY
  ;;
*)
  echo "usage: scripts/bench.sh quantizers [steps] | reference [steps] [rounds]" >&2
  exit 2
  ;;
esac
