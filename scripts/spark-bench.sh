#!/usr/bin/env bash
# Spark encode vs vqtok encode on the same data (issue #13): the Fashion-MNIST test split as 10,000 PNG files, a default
# tokenizer trained for a few steps, `vqtok encode` on the folder, then the local Spark job (scripts/spark-encode.sh,
# local[2]) on it, one after the other; checks that every row's codes equal vqtok encode's and prints both rates.
#   flock /tmp/vqtok-build.lock scripts/spark-bench.sh [work dir, default bench/spark] [train steps, default 200]
# The job runs 3 times in one JVM (--repeat 3): the first run is what a fresh spark-submit gives, the last a warm executor;
# then 3 more with 2 ND4J threads per task (oversubscribed: 2 tasks x 2 threads on 2 cores) against the default of 1.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
work=${1:-bench/spark}
steps=${2:-200}
mkdir -p "$work"
work=$(cd "$work" && pwd)
./vqtok --version >/dev/null                        # builds the CLI if needed
scripts/spark-encode.sh --help >/dev/null   # builds the spark module if needed
cp=$root/spark/target/vqtok-spark.jar:$(cat "$root/spark/target/local-classpath.txt")
[[ -f $work/fm.vqt ]] || VQTOK_SKIP_BUILD=1 ./vqtok train --steps "$steps" --out "$work/fm.vqt" --json > "$work/train.json"
if [[ ! -f $work/png/09999.png ]]; then
  cat > "$work/WritePngs.java" <<'JAVA'
import io.vqtok.datasets.*;
import java.nio.file.*;
public class WritePngs {
    public static void main(String[] a) throws Exception {
        ImageDataset d = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
        Path out = Files.createDirectories(Path.of(a[0]));
        for (int i = 0; i < d.size(); i++) ImageWriter.writePng(out.resolve(String.format("%05d.png", i)), d.image(i), 1, 28, 28);
    }
}
JAVA
  java -cp "$cp" "$work/WritePngs.java" "$work/png"
fi
echo "== vqtok encode --data $work/png (10,000 PNGs)"
/usr/bin/time -f "process wall %e s" env VQTOK_SKIP_BUILD=1 ./vqtok encode --model "$work/fm.vqt" --data "$work/png" --split test --out "$work/cli-codes.npy"
echo "== scripts/spark-encode.sh --master local[2] (threads per task: spark.task.cpus = 1)"
/usr/bin/time -f "process wall %e s" scripts/spark-encode.sh --model "$work/fm.vqt" --input "$work/png" --out "$work/codes.parquet" \
  --master 'local[2]' --overwrite --repeat 3 | tee "$work/spark.jsonl"
echo "== scripts/spark-encode.sh --master local[2] --threads-per-task 2"
VQTOK_SKIP_BUILD=1 scripts/spark-encode.sh --model "$work/fm.vqt" --input "$work/png" --out "$work/codes2.parquet" \
  --master 'local[2]' --overwrite --repeat 3 --threads-per-task 2 | tee "$work/spark-2threads.jsonl"
cat > "$work/Compare.java" <<'JAVA'
import org.apache.spark.sql.*;
import io.vqtok.datasets.*;
import java.util.*;
public class Compare {
    public static void main(String[] a) throws Exception {
        NpyArray npy = Npy.readIndexArray(java.nio.file.Path.of(a[0]));
        int[] cli = npy.asInts();
        int per = cli.length / npy.shape()[0];
        SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
        int same = 0, rows = 0;
        for (Row r : spark.read().parquet(a[1]).collectAsList()) {
            String id = r.getString(0);
            int i = Integer.parseInt(id.substring(id.lastIndexOf('/') + 1, id.length() - 4));
            List<Integer> c = r.getList(r.fieldIndex("codes"));
            boolean eq = c.size() == per;
            for (int k = 0; eq && k < per; k++) eq = c.get(k) == cli[i * per + k];
            rows++;
            if (eq) same++;
        }
        System.out.println("vqtok encode " + Arrays.toString(npy.shape()) + "; Spark rows " + rows + ", " + same + " with identical codes");
        spark.stop();
        if (rows != npy.shape()[0] || same != rows) System.exit(1);
    }
}
JAVA
opens=()
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
java -Xmx2g "${opens[@]}" -Dlog4j2.configurationFile="$root/spark/src/test/resources/log4j2-test.properties" -cp "$cp" \
  "$work/Compare.java" "$work/cli-codes.npy" "$work/codes.parquet"
