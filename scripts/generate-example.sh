#!/usr/bin/env bash
# Builds the examples and runs io.vqtok.examples.GenerateFashionMnist: a Fashion-MNIST tokenizer (trained, or loaded
# with --tokenizer FILE when FILE exists), a PixelCNN prior over its 7x7 codes, test/validation NLL in bits per token
# against a unigram baseline, and 16 sampled images in generated.png (~6-8 min on 2 cores). Arguments go to the program:
#   scripts/generate-example.sh --tokenizer tok.vqt --tokenizer-steps 600 --prior-steps 2000 --out generated.png
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/scripts/setup.sh" --quiet >&2
# in the reactor, so the classpath names this checkout's module jars, not older ones in ~/.m2
mvn -q -B -ntp -Dstyle.color=never -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >&2
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
exec java -Xmx2g -XX:G1PeriodicGCInterval=2000 -Dorg.bytedeco.javacpp.maxbytes=3G -Dorg.bytedeco.javacpp.maxphysicalbytes=6G \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
  -cp "examples/target/classes:$(cat examples/target/classpath.txt)" io.vqtok.examples.GenerateFashionMnist "$@"
