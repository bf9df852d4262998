#!/usr/bin/env bash
# The SIGKILL version of the resume test (issue #10): trains once uninterrupted, then the same command is killed with
# SIGKILL at three different points (each some time after a checkpoint, mid-interval) and re-run with --resume until it
# finishes; the final model's arrays and its codes for the test split must equal the uninterrupted run's byte for byte.
#   scripts/resume-check.sh [steps] [extra train flags...]     (default 300 steps, checkpoints every 50, default quantizer)
# Prints one line per kill and a verdict; writes bench/resume-check.txt. Exit 0 only when everything is identical.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
steps=${1:-300}; shift || true
work=$(mktemp -d /tmp/vqtok-resume.XXXXXX)
trap 'rm -rf "$work"' EXIT
./vqtok --version >/dev/null   # builds if needed
export VQTOK_SKIP_BUILD=1
flags=(train --data fashion-mnist --steps "$steps" --checkpoint-every 50 --eval-limit 1000 --seed 3 "$@")
mkdir -p bench
report=bench/resume-check.txt
: > "$report"
say() { echo "$*" | tee -a "$report"; }

say "uninterrupted: ${flags[*]}"
./vqtok "${flags[@]}" --out "$work/straight.vqt" > /dev/null 2> "$work/straight.log"

ckpt_step() {   # the step of the latest checkpoint, 0 when none
  local f="$work/killed.vqt.ckpt"
  [ -f "$f" ] || { echo 0; return; }
  unzip -p "$f" training.json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["step"])' 2>/dev/null || echo 0
}

# kill after the checkpoints at a sixth, a half and five sixths of the run, 0-2 s later (the next steps are then in flight)
for frac in 1 3 5; do
  target=$(( steps * frac / 6 / 50 * 50 )); [ "$target" -ge 50 ] || target=50
  ./vqtok "${flags[@]}" --resume --out "$work/killed.vqt" > /dev/null 2>> "$work/killed.log" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && [ "$(ckpt_step)" -lt "$target" ]; do sleep 0.2; done
  sleep "$(python3 -c 'import random; print(round(random.uniform(0, 2), 2))')"
  if kill -0 "$pid" 2>/dev/null; then
    pkill -KILL -P "$pid" 2>/dev/null || true; kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    say "killed with SIGKILL after the checkpoint of step $target (latest checkpoint now at step $(ckpt_step))"
  else
    wait "$pid" || true
    say "run finished before the kill at step $target"
  fi
done
say "resuming to the end"
./vqtok "${flags[@]}" --resume --out "$work/killed.vqt" > /dev/null 2>> "$work/killed.log"
grep -h "resuming from" "$work/killed.log" | tee -a "$report"

differ=0; arrays=0
mkdir -p "$work/a" "$work/b"
(cd "$work/a" && unzip -q ../straight.vqt 'arrays/*') && (cd "$work/b" && unzip -q ../killed.vqt 'arrays/*')
for f in "$work"/a/arrays/*.npy; do
  arrays=$((arrays + 1))
  cmp -s "$f" "$work/b/arrays/$(basename "$f")" || { differ=$((differ + 1)); say "differs: $(basename "$f")"; }
done
./vqtok encode --model "$work/straight.vqt" --data fashion-mnist --out "$work/a.npy" > /dev/null 2>&1
./vqtok encode --model "$work/killed.vqt" --data fashion-mnist --out "$work/b.npy" > /dev/null 2>&1
say "arrays compared: $arrays, differing: $differ"
if cmp -s "$work/a.npy" "$work/b.npy"; then codes=identical; else codes=DIFFERENT; differ=$((differ + 1)); fi
say "test-split codes: $codes"
if [ "$differ" -eq 0 ]; then say "RESULT: identical to the uninterrupted run"; else say "RESULT: DIFFERENT"; exit 1; fi
