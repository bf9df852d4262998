#!/usr/bin/env bash
# Installs what vqtok needs on a fresh Debian machine: Java 17 + Maven (if missing) and the Fashion-MNIST
# IDX files (Debian package dataset-fashion-mnist, into /usr/share/datasets/fashion-mnist).
set -euo pipefail
quiet=${1:-}
say() { [[ $quiet == --quiet ]] || echo "setup: $*" >&2; }
sudo_cmd=""
if [[ $(id -u) != 0 ]]; then sudo_cmd="sudo"; fi
missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
[[ -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz || -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte ]] \
  || missing+=(dataset-fashion-mnist)
# jemalloc for the launcher (./vqtok): keeps long trainings' resident memory from creeping; best effort, since the
# launcher falls back to glibc's malloc without it
jemalloc=1
for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib/aarch64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2; do
  [[ -e $lib ]] && jemalloc=0
done
if (( ${#missing[@]} || jemalloc )); then
  $sudo_cmd apt-get update -qq >&2 || (( ${#missing[@]} == 0 ))   # fatal only when something required is missing
fi
if (( ${#missing[@]} )); then
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >&2
fi
if (( jemalloc )); then
  say "installing libjemalloc2"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq libjemalloc2 >&2 || say "libjemalloc2 not installed: ./vqtok uses glibc's malloc"
fi
say "ok"
