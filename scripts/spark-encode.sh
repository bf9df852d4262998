#!/usr/bin/env bash
# Runs the Spark encode job (io.vqtok.spark.SparkEncodeMain) on this machine, with the Spark of the Maven build:
#   scripts/spark-encode.sh --model model.vqt --input images/ --out codes.parquet [--master local[2]] [--overwrite]
#   scripts/spark-encode.sh --model model.vqt --input table.parquet --bytes-column image.bytes --id-column id --out codes.parquet
# Builds the spark module and the modules it needs when sources changed (mvn -pl spark -am package; nothing installed).
# Environment: VQTOK_HEAP (driver heap, default 2g), VQTOK_OFFHEAP / VQTOK_MAXRSS (ND4J off-heap bounds),
# VQTOK_JAVA_OPTS adds JVM options, VQTOK_SKIP_BUILD=1 skips the build. For a cluster use spark-submit (README).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/spark/target/vqtok-spark.jar"
classpath="$root/spark/target/local-classpath.txt"

needs_build() {
  [[ ! -f $jar || ! -f $classpath ]] && return 0
  [[ -n $(find "$root" -path "$root/.git" -prune -o \( -name '*.java' -o -name 'pom.xml' \) -newer "$jar" -print -quit 2>/dev/null) ]]
}

if [[ ${VQTOK_SKIP_BUILD:-0} != 1 ]] && needs_build; then
  echo "spark-encode: building (first run or sources changed)..." >&2
  (cd "$root" && ${MVN:-mvn} -q -B -ntp -Dstyle.color=never -pl spark -am -DskipTests package >&2) || { echo "spark-encode: build failed" >&2; exit 1; }
fi

export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# Spark 4 on Java 17: the module openings of Spark's own launcher (JavaModuleOptions), as in spark/pom.xml's spark.jvm
opens=(-XX:+IgnoreUnrecognizedVMOptions)
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
exec java -Xmx${VQTOK_HEAP:-2g} -XX:G1PeriodicGCInterval=2000 -Dorg.bytedeco.javacpp.maxbytes=${VQTOK_OFFHEAP:-3G} \
  -Dorg.bytedeco.javacpp.maxphysicalbytes=${VQTOK_MAXRSS:-6G} "${opens[@]}" \
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true \
  -Dlog4j2.configurationFile="$root/spark/src/test/resources/log4j2-test.properties" -Dspark.ui.enabled=false \
  ${VQTOK_JAVA_OPTS:-} -cp "$jar:$(cat "$classpath")" io.vqtok.spark.SparkEncodeMain "$@"
