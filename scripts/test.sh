#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing (Java, Maven, Fashion-MNIST), then `mvn test`.
# JVM heap/off-heap limits and OMP_WAIT_POLICY are set for the forked test JVM in the parent pom's Surefire config.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh"
cd "$root"
export OMP_WAIT_POLICY=PASSIVE
exec mvn -B -ntp -Dstyle.color=never test "$@"
