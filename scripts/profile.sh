#!/usr/bin/env bash
# Profiling programs behind the per-op figures in BENCHMARKS.md (performance at scale): single-file Java programs in
# scripts/profile, run by the launcher (its JVM, allocator and OpenMP settings, the built CLI's classpath). They print
# timings; the op traces they write are summarised by scripts/profile/ops.py TRACE STEPS.
#   scripts/profile.sh TrainStep image 512 vq 60                image training steps: encoder forward, search, whole step
#   scripts/profile.sh TrainStep image 512 vq 20 /tmp/t.json    the same, then an op trace of 20 more steps
#   scripts/profile.sh TrainStep speech 3 /tmp/a.json           the speech preset's step, then an op trace of 3 more
#   scripts/profile.sh Layers rewrites | formats | activations  single layers: conv rewrites, NCHW/NHWC, ReLU forms
#   scripts/profile.sh AudioLayers [windows] [reps] [nhwc]     the speech encoder's conv shapes, forward, in two layouts;
#                                                               ELU, ReLU, exp, tanh on one activation
#   scripts/profile.sh Sinkhorn model.vqt [reps]                a sinkhorn model's assignment of one batch: dense kernel,
#                                                               sparse kernel, automatic choice, nearest-code search
#   scripts/profile.sh Encode model.vqt [passes] [trace.json]   an audio model over the speech test split: x real time of
#                                                               the encoder graph, the search, encode and decode
#   scripts/profile.sh EncodeBatch model.vqt [passes] [sizes]   an audio model's encoder over the speech test split, file
#                                                               by file against windows packed across files (e.g. 8,32)
#   scripts/profile.sh EncodePack model.vqt [passes] [1/32,4/8]  an audio model's encoder over the speech test split, files
#                                                               packed end to end in windows of s seconds, n a call,
#                                                               against each file in its own 1 s windows
#   scripts/profile.sh EncoderShapes model.vqt reps 32x68,8x218  the encoder graph on fixed shapes (windows x frames a
#                                                               window), alternated: microseconds per frame computed
#   scripts/profile.sh TrainMemory model.vqt [steps] [every]     the speech preset trained step by step: resident memory,
#                                                               graph cache bytes, heap in use, step time
#   scripts/profile.sh EarlyDrift steps [beta] [decay]          the speech preset's first steps after data init: encoder
#                                                               output norm, spread and per-step shift, codes used per stage
#   [FRESH=0] scripts/profile.sh StepDrift CKPT [steps] [rounds] [trace]   a speech checkpoint's training step against a fresh
#                                                               model's on the same batches; subnormal floats in its arrays
#   scripts/profile.sh EluOrder MODEL.vqt [fresh]               ND4J's ELU (and LeakyReLU, elu_bp, lrelu_bp) timed on a model's
#                                                               own activations, NHWC and NCHW
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
program=$root/scripts/profile/${1:?program: TrainStep | Layers | AudioLayers | Sinkhorn | Encode | EncodeBatch | EncodePack | EncoderShapes | TrainMemory | EarlyDrift | StepDrift | EluOrder}.java
[[ -f $program ]] || { echo "profile: no program $program" >&2; exit 2; }
shift
mkdir -p /tmp/prof
VQTOK_MAIN=$program exec "$root/vqtok" "$@"
