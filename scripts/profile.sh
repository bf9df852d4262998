#!/usr/bin/env bash
# Profiling programs behind the per-op figures in BENCHMARKS.md (performance at scale): single-file Java programs run
# against the built CLI's classpath with the launcher's native settings. They print timings; the op profiles also write
# a SameDiff ProfilingListener trace that scripts/profile/ops.py summarises.
#   scripts/profile.sh Prof 512 vq 60            image training step: encoder forward, search, whole step (ms)
#   scripts/profile.sh Prof2 512 vq /tmp/t.json  image step op trace (20 steps); then scripts/profile/ops.py /tmp/t.json 20
#   scripts/profile.sh ProfA                     speech preset step op trace to /tmp/prof/trace-audio.json (3 steps)
#   scripts/profile.sh Micro                     4x4/s2 convs and deconvs against space-to-depth and sub-pixel rewrites
#   scripts/profile.sh Fmt                       the autoencoder's conv shapes in NCHW and NHWC (traces in /tmp/prof)
#   scripts/profile.sh Relu                      ReLU, leaky ReLU, ELU and x*[x>0], forward and backward (traces in /tmp/prof)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/vqtok" --version >/dev/null   # builds if needed
mkdir -p /tmp/prof
name=$1
shift
lib=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
[[ -e $lib ]] && export LD_PRELOAD=$lib MALLOC_CONF=${MALLOC_CONF:-oversize_threshold:0}
export OMP_WAIT_POLICY=PASSIVE
exec java -Xmx2g -Dorg.bytedeco.javacpp.maxbytes=3G -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
  -cp "$root/cli/target/vqtok-cli.jar:$root/cli/target/lib/*" "$root/scripts/profile/$name.java" "$@"
