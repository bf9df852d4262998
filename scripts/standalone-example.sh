#!/usr/bin/env bash
# Installs vqtok's artifacts into the local Maven repository (mvn install) and builds and runs examples/standalone, a
# project outside this build that depends on them by Maven coordinates only, the way a user's project does.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mvn -q -B -ntp -Dstyle.color=never -DskipTests install
cd examples/standalone
mvn -q -B -ntp -Dstyle.color=never package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
OMP_WAIT_POLICY=PASSIVE java -cp "target/classes:$(cat target/classpath.txt)" example.StandaloneExample
