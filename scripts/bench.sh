#!/usr/bin/env bash
# Benchmarks that print figures and write them to bench/ (never timed unit tests).
#   scripts/bench.sh quantizers [steps]     every quantizer with its defaults on Fashion-MNIST (vqtok bench quantizers)
#   scripts/bench.sh sweep [steps]          plain VQ vs anti-collapse quantizers at K = 512, 2048, 8192 (1000 steps)
#   scripts/bench.sh audio [steps]          8 x 1024 residual VQ speech codec at 16 kHz on data/speech (made if missing),
#                                           the preset's 2800 steps, then scored with the classical codecs (bench codecs --model)
#   scripts/bench.sh scale [steps]          search vs FAISS, ema training/encoding vs the PyTorch reference at K=512..65536
#                                           (scripts/bench-scale.py; table into BENCHMARKS.md)
#   scripts/bench.sh memory [steps]         resident memory of a 4-stage rvq and a K=8192 ema training (3000 steps):
#                                           RSS after step 500, at the end, peak, growth
#   scripts/bench.sh codecs [vqtok bench codecs options]
#                                           Codec2, Opus, Speex, AMR-NB (Debian's tools, installed if missing) on the
#                                           speech test split: kbps, STOI, ESTOI, both mel distances, SI-SNR; add
#                                           --model bench/speech.vqt for vqtok's rows (bench/codecs.json and .md)
#   scripts/bench.sh sinkhorn [steps] [rounds]
#                                           ema and sinkhorn at K=8192 alternated (1000 steps, 1 round): per-step time
#                                           (median of the last 200 steps) and its ratio, validation utilization and MSE
#   scripts/bench.sh reference [steps] [rounds]
#                                           vqtok vs the PyTorch reference (../shared/reference), same model, data,
#                                           batch, steps and quantizer (vq), alternated in one run; prints ratios
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mode=${1:-quantizers}
out=bench
mkdir -p "$out"
if [[ $mode == codecs ]]; then
  # the codecs' command-line tools, installed the way scripts/setup.sh installs
  sudo_cmd=""
  [[ $(id -u) == 0 ]] || sudo_cmd="sudo"
  missing=()
  command -v c2enc >/dev/null || missing+=(codec2)
  command -v opusenc >/dev/null || missing+=(opus-tools)
  command -v speexenc >/dev/null || missing+=(speex)
  command -v sox >/dev/null || missing+=(sox)
  [[ -n $(ls /usr/lib/*/sox/libsox_fmt_amr_nb.so 2>/dev/null) ]] || missing+=(libsox-fmt-base)
  if (( ${#missing[@]} )); then
    echo "bench: installing ${missing[*]}" >&2
    $sudo_cmd apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >&2
  fi
fi
./vqtok --version >/dev/null   # builds if needed

case $mode in
quantizers)
  VQTOK_SKIP_BUILD=1 ./vqtok bench quantizers --steps "${2:-1000}" --out-dir "$out" --name quantizers --split test
  ;;
sweep)
  # 18 runs, about 2.5 hours on 2 cores (the K=8192 runs are the slow ones)
  VQTOK_SKIP_BUILD=1 ./vqtok bench quantizers --steps "${2:-1000}" --out-dir "$out" --name sweep --quantizers vq,ema,cvq,simvq,fsq,sinkhorn --codebook-sizes 512,2048,8192 --split test
  python3 scripts/sweep-table.py "$out/sweep.json"
  ;;
audio)
  [[ -d data/speech/train ]] || scripts/make-speech-corpus.sh
  # the speech codec preset (AudioAutoencoderConfig.speechCodec16k, TrainConfig.speechCodec): 3 dilated residual units per
  # stride, multi-scale mel + waveform L1 + 0.1 SI-SNR losses, lr 1e-3 with a 200-step warm-up and a cosine; then the
  # codec table with the model's rows at every number of stages
  # (--resume: a killed benchmark continues from its checkpoint)
  # (no --steps unless given: the library's preset, TrainConfig.speechCodec, decides the length)
  steps=()
  [[ -n ${2:-} ]] && steps=(--steps "$2")
  VQTOK_SKIP_BUILD=1 ./vqtok train --data speech --quantizer rvq --stages 8 --codebook-size 1024 --quantizer-dropout 0.5 \
    --dropout-per-sample --dead-code-threshold 0.3 "${steps[@]}" --out "$out/speech.vqt" --resume --json | tee "$out/audio.jsonl"
  VQTOK_SKIP_BUILD=1 ./vqtok bench codecs --data speech --split test --model "$out/speech.vqt" --out "$out/codecs"
  ;;
sinkhorn)
  steps=${2:-1000}
  rounds=${3:-1}
  file=$out/sinkhorn-speed.jsonl
  : > "$file"
  for ((round = 1; round <= rounds; round++)); do
    for q in ema sinkhorn; do
      echo "== sinkhorn speed: $q K=8192, $steps steps, round $round" >&2
      rm -f "$out/speed-$q.vqt" "$out/speed-$q.vqt.log.jsonl"
      VQTOK_SKIP_BUILD=1 ./vqtok train --quantizer $q --codebook-size 8192 --steps "$steps" --checkpoint-every 0 \
        --eval-limit 5000 --out "$out/speed-$q.vqt" --json > "$out/speed-$q.json"
      python3 - "$out/speed-$q.json" "$out/speed-$q.vqt.log.jsonl" "$round" >> "$file" <<'PY'
import json, statistics, sys
run = json.load(open(sys.argv[1]))
log = [json.loads(line) for line in open(sys.argv[2])]
tail = log[-min(200, len(log)):]
print(json.dumps({"quantizer": run["quantizer"], "round": int(sys.argv[3]), "steps": run["steps"],
                  "run_img_per_s": run["train_img_per_s"],
                  "step_ms_median_tail": round(1000 * run["batch"] / statistics.median(l["img_per_s"] for l in tail), 1),
                  "validation_utilization": run["validation"]["utilization"], "validation_mse": run["validation"]["mse"]}))
PY
    done
  done
  python3 - "$file" <<'PY' | tee "$out/sinkhorn-speed.txt"
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
for r in rows:
    print(f"{r['quantizer']:8s} round {r['round']}: {r['run_img_per_s']:7.1f} img/s over the run, {r['step_ms_median_tail']:6.1f} ms a step "
          f"(median of the last 200), validation utilization {r['validation_utilization']:.3f}, MSE {r['validation_mse']:.5f}")
for rnd in sorted({r['round'] for r in rows}):
    by = {r['quantizer']: r for r in rows if r['round'] == rnd}
    if len(by) == 2:
        print(f"round {rnd}: sinkhorn / ema step time {by['sinkhorn']['step_ms_median_tail'] / by['ema']['step_ms_median_tail']:.2f}x "
              f"(last 200 steps), {by['ema']['run_img_per_s'] / by['sinkhorn']['run_img_per_s']:.2f}x over the whole run")
PY
  ;;
scale)
  python3 scripts/bench-scale.py --steps "${2:-60}"
  ;;
memory)
  steps=${2:-3000}
  file=$out/memory.jsonl
  : > "$file"
  for args in "--quantizer rvq --stages 4" "--quantizer ema --codebook-size 8192"; do
    name=memory-$(echo "$args" | tr -d ' -')
    echo "== memory: $args, $steps steps" >&2
    # shellcheck disable=SC2086
    VQTOK_SKIP_BUILD=1 ./vqtok train $args --steps "$steps" --checkpoint-every 0 --eval-limit 1000 --out "$out/$name.vqt" \
      --recon-png "$out/$name.png" --json >> "$file"
  done
  # single readings move up and down as the allocator returns and re-takes pages: the trend is the mean resident memory
  # of the last 500 steps against that of steps 500-1000, from the per-step training logs
  python3 - "$file" <<'PY'
import json, statistics, sys
print("| run | steps | train img/s | RSS at step 500 MB | RSS at end MB | peak MB | growth | mean RSS steps 500-1000 MB | mean RSS last 500 steps MB | trend | range after step 500 MB |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for l in open(sys.argv[1]):
    r = json.loads(l); m = r["resident_memory"]
    rss = [json.loads(x)["rss_mb"] for x in open(r["log"])]
    row = f"| {r['config']} | {r['steps']} | {r['train_img_per_s']:.0f} | {m['at_reference_mb']} | {m['end_mb']} | {m['peak_mb']} | {m['growth']:+.1%} "
    if len(rss) < 1500:
        print(row + "| | | | (the trend needs at least 1500 steps) |")
        continue
    early, late = statistics.mean(rss[499:1000]), statistics.mean(rss[-500:])
    print(row + f"| {early:.0f} | {late:.0f} | {late / early - 1:+.1%} | {min(rss[499:])}-{max(rss[499:])} |")
PY
  ;;
codecs)
  [[ -d data/speech/test ]] || scripts/make-speech-corpus.sh
  VQTOK_SKIP_BUILD=1 ./vqtok bench codecs --data speech --split test --out "$out/codecs" "${@:2}"
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
  echo "usage: scripts/bench.sh quantizers [steps] | sweep [steps] | audio [steps] | scale [steps] | memory [steps] | codecs [options] | reference [steps] [rounds]" >&2
  exit 2
  ;;
esac
