package io.vqtok.codebook;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The chunked search and the O(N·D) statistics against plain loops, at codebook sizes up to 65536. */
class LargeCodebookTest {

    private static float[][] gaussian(SplittableRandom r, int rows, int d) {
        float[][] x = new float[rows][d];
        for (float[] row : x) for (int j = 0; j < d; j++) row[j] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    private static double squared(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += (a[j] - (double) b[j]) * (a[j] - (double) b[j]);
        return s;
    }

    @Test
    void nearestCodesMatchAPlainLoopAcrossChunkBoundaries() {
        SplittableRandom r = new SplittableRandom(7);
        // K = 65536 searches 64 rows per chunk, K = 1000 4194: N = 300 and 5000 end in a partial chunk
        int[][] cases = {{3, 4, 50}, {1000, 8, 5000}, {65536, 6, 300}};
        for (int[] c : cases) {
            int k = c[0], d = c[1], n = c[2];
            float[][] codes = gaussian(r, k, d), z = gaussian(r, n, d);
            int[] got = Distances.nearestIndices(Nd4j.createFromArray(z), Nd4j.createFromArray(codes));
            int exact = 0;
            for (int i = 0; i < n; i++) {
                double best = Double.MAX_VALUE, second = Double.MAX_VALUE;
                int arg = -1;
                for (int j = 0; j < k; j++) {
                    double dist = squared(z[i], codes[j]);
                    if (dist < best) {
                        second = best;
                        best = dist;
                        arg = j;
                    } else if (dist < second) second = dist;
                }
                // float32 scores can swap near-ties only; anything else must be the loop's winner
                if (second - best > 1e-4) {
                    assertThat(got[i]).as("K=%d row %d", k, i).isEqualTo(arg);
                    exact++;
                } else {
                    assertThat(squared(z[i], codes[got[i]])).as("K=%d row %d near tie", k, i).isCloseTo(best, within(1e-4));
                }
            }
            assertThat(exact).as("rows checked exactly at K=%d", k).isGreaterThan(n * 9 / 10);
            // the INDArray form is the same search
            assertThat(Distances.nearest(Nd4j.createFromArray(z), Nd4j.createFromArray(codes)).toIntVector()).containsExactly(got);
        }
    }

    @Test
    void largestInnerProductMatchesAPlainLoop() {
        SplittableRandom r = new SplittableRandom(8);
        int k = 20000, d = 5, n = 400;
        float[][] codes = gaussian(r, k, d), z = gaussian(r, n, d);
        int[] got = Distances.largestInnerProduct(Nd4j.createFromArray(z), Nd4j.createFromArray(codes)).toIntVector();
        for (int i = 0; i < n; i++) {
            double best = -Double.MAX_VALUE;
            for (int j = 0; j < k; j++) {
                double dot = 0;
                for (int t = 0; t < d; t++) dot += z[i][t] * (double) codes[j][t];
                best = Math.max(best, dot);
            }
            double chosen = 0;
            for (int t = 0; t < d; t++) chosen += z[i][t] * (double) codes[got[i]][t];
            assertThat(chosen).isCloseTo(best, within(1e-5));
        }
    }

    @Test
    void countsAndSumsMatchAPlainLoopAt65536Codes() {
        SplittableRandom r = new SplittableRandom(9);
        int k = 65536, d = 3, n = 20000;
        float[][] z = gaussian(r, n, d);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = r.nextInt(i % 3 == 0 ? 50 : k);   // some codes hit many times, most never
        Assignments a = Assignments.of(Nd4j.createFromArray(z), idx, k);
        double[] counts = new double[k];
        double[][] sums = new double[k][d];
        for (int i = 0; i < n; i++) {
            counts[idx[i]]++;
            for (int j = 0; j < d; j++) sums[idx[i]][j] += z[i][j];
        }
        assertThat(a.counts().shape()).containsExactly(k);
        assertThat(a.sums().shape()).containsExactly(k, d);
        assertThat(a.counts().toDoubleVector()).containsExactly(counts);
        double[][] got = a.sums().toDoubleMatrix();
        for (int c = 0; c < k; c++)
            for (int j = 0; j < d; j++) assertThat(got[c][j]).isCloseTo(sums[c][j], within(1e-3));
        assertThat(Assignments.bincount(idx, k)).containsExactly(java.util.Arrays.stream(counts).mapToInt(v -> (int) v).toArray());
    }

    /** Sinkhorn in the log domain with doubles, as plain loops: the reference plan. */
    private static double[][] logDomainPlan(double[][] squared, double epsilon, int iterations) {
        int n = squared.length, k = squared[0].length;
        double[][] a = new double[n][k];
        double mean = 0, meanSq = 0;
        for (double[] row : squared) for (double v : row) {
            mean += Math.sqrt(v) / (n * k);
            meanSq += v / (n * k);
        }
        double s = epsilon / (Math.sqrt(meanSq - mean * mean) + 1e-12);
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) a[i][j] = -s * Math.sqrt(squared[i][j]);
        double[] f = new double[n], g = new double[k];
        for (int it = 0; it < iterations; it++) {
            for (int j = 0; j < k; j++) {
                double m = -Double.MAX_VALUE, sum = 0;
                for (int i = 0; i < n; i++) m = Math.max(m, a[i][j] + f[i]);
                for (int i = 0; i < n; i++) sum += Math.exp(a[i][j] + f[i] - m);
                g[j] = -Math.log(k) - (m + Math.log(sum));
            }
            for (int i = 0; i < n; i++) {
                double m = -Double.MAX_VALUE, sum = 0;
                for (int j = 0; j < k; j++) m = Math.max(m, a[i][j] + g[j]);
                for (int j = 0; j < k; j++) sum += Math.exp(a[i][j] + g[j] - m);
                f[i] = -Math.log(n) - (m + Math.log(sum));
            }
        }
        double[][] plan = new double[n][k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) plan[i][j] = Math.exp(a[i][j] + f[i] + g[j]);
        return plan;
    }

    @Test
    void sinkhornGivesFarCodesTheirMassWhereThePlainKernelUnderflows() {
        // 40 vectors and 399 codes in [-1, 1]², one code 100 units away. With ε = 10 the plain kernel exp(−ε·Â) of the
        // normalised cost Â = (A − mean)/std − min is about e^-200 for the far code: all zero in float32, so plain
        // Sinkhorn scalings could never give that code mass.
        SplittableRandom r = new SplittableRandom(10);
        int n = 40, k = 400, d = 2;
        float[][] z = gaussian(r, n, d);
        float[][] codes = gaussian(r, k, d);
        codes[k - 1] = new float[]{100, 0};
        double[][] squared = new double[n][k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) squared[i][j] = squared(z[i], codes[j]);
        INDArray a = Nd4j.createFromArray(squared).castTo(DataType.FLOAT);
        org.nd4j.linalg.ops.transforms.Transforms.sqrt(a, false);
        INDArray normalised = a.sub(a.meanNumber()).divi(a.stdNumber());
        normalised.subi(normalised.minNumber());
        INDArray plainKernel = org.nd4j.linalg.ops.transforms.Transforms.exp(normalised.muli(-10), false);
        assertThat(plainKernel.getColumn(k - 1).maxNumber().doubleValue()).as("plain kernel column of the far code").isZero();

        SinkhornAssignment sinkhorn = new SinkhornAssignment(10, 30);
        INDArray plan = sinkhorn.plan(Nd4j.createFromArray(squared).castTo(DataType.FLOAT));
        double[][] expected = logDomainPlan(squared, 10, 30);
        double[] columns = plan.sum(0).toDoubleVector();
        for (int j = 0; j < k; j++) assertThat(columns[j] * k).as("mass of code %d, relative to 1/K", j).isCloseTo(1.0, within(1e-3));
        // entries against the log-domain plan in doubles, in units of the uniform entry 1/(N·K)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) assertThat(plan.getDouble(i, j) * n * k).isCloseTo(expected[i][j] * n * k, within(1e-3));
        // the plan's row argmax from z and codes agrees with the one from squared distances
        int[] assigned = sinkhorn.assign(Nd4j.createFromArray(z), Nd4j.createFromArray(codes));
        assertThat(sinkhorn.assign(Nd4j.createFromArray(squared).castTo(DataType.FLOAT)).toIntVector()).containsExactly(assigned);
    }

    /** Vectors in 30 tight clusters (D = 8) and codes half near the clusters, half scattered far from them. */
    private static float[][][] clustered(SplittableRandom r, int n, int k) {
        int d = 8;
        float[][] centres = new float[30][d];
        for (float[] c : centres) for (int j = 0; j < d; j++) c[j] = (float) (3 * (r.nextDouble() * 2 - 1));
        float[][] z = new float[n][d], codes = new float[k][d];
        for (float[] row : z) {
            float[] c = centres[r.nextInt(centres.length)];
            for (int j = 0; j < d; j++) row[j] = c[j] + (float) (0.1 * r.nextGaussian());
        }
        for (int i = 0; i < k; i++) {
            float[] c = centres[r.nextInt(centres.length)];
            for (int j = 0; j < d; j++) codes[i][j] = i % 2 == 0 ? c[j] + (float) (0.1 * r.nextGaussian()) : (float) (6 * (r.nextDouble() * 2 - 1));
        }
        return new float[][][]{z, codes};
    }

    /** The fraction of the stabilised kernel's entries exp(−s·(A − c − r)) of at least e^−cutoff, by plain loops. */
    private static double keptFraction(double[][] squared, double epsilon) {
        int n = squared.length, k = squared[0].length;
        double mean = 0, meanSq = 0;
        for (double[] row : squared) for (double v : row) {
            mean += Math.sqrt(v) / (n * k);
            meanSq += v / (n * k);
        }
        double s = epsilon / Math.sqrt(meanSq - mean * mean);
        double[] c = new double[k];
        java.util.Arrays.fill(c, Double.MAX_VALUE);
        for (double[] row : squared) for (int j = 0; j < k; j++) c[j] = Math.min(c[j], Math.sqrt(row[j]));
        long kept = 0;
        for (double[] row : squared) {
            double r = Double.MAX_VALUE;
            for (int j = 0; j < k; j++) r = Math.min(r, Math.sqrt(row[j]) - c[j]);
            for (int j = 0; j < k; j++) if (s * (Math.sqrt(row[j]) - c[j] - r) <= SinkhornAssignment.KERNEL_CUTOFF) kept++;
        }
        return kept / ((double) n * k);
    }

    @Test
    void theSparseKernelGivesTheDensePlanWhereMostOfItsEntriesUnderflow() {
        // ε = 100 (the automatic choice where a batch has fewer vectors than codes) on clustered data: most kernel entries
        // are below e^-30 of their row's and column's largest, and the sparse kernel keeps only the rest
        SplittableRandom r = new SplittableRandom(13);
        int n = 300, k = 600;
        float[][][] data = clustered(r, n, k);
        float[][] z = data[0], codes = data[1];
        double[][] squared = new double[n][k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) squared[i][j] = squared(z[i], codes[j]);
        double kept = keptFraction(squared, 100);
        assertThat(kept).as("fraction of the kernel the sparse form keeps").isBetween(0.001, 0.125);
        INDArray d = Nd4j.createFromArray(squared).castTo(DataType.FLOAT);
        INDArray dense = new SinkhornAssignment(100, 5, false, 0).plan(d);
        INDArray sparse = new SinkhornAssignment(100, 5, false, 1).plan(d);
        double[][] expected = logDomainPlan(squared, 100, 5);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) {
                // in units of the uniform entry 1/(N·K), to float rounding (entries reach ~400 such units)
                double want = expected[i][j] * n * k;
                assertThat(sparse.getDouble(i, j) * n * k).as("sparse vs dense (%d, %d)", i, j).isCloseTo(dense.getDouble(i, j) * n * k, within(1e-4 + 1e-5 * want));
                assertThat(sparse.getDouble(i, j) * n * k).as("sparse vs log domain (%d, %d)", i, j).isCloseTo(want, within(1e-3 + 1e-5 * want));
            }
        // no code is lost: every one, the far ones included, has mass in the plan (5 iterations do not balance it fully)
        double[] columns = sparse.sum(0).toDoubleVector();
        for (int j = 0; j < k; j++) assertThat(columns[j] * k).as("mass of code %d relative to 1/K", j).isGreaterThan(0.01);
        // the row winners: forced sparse, forced dense and the automatic choice (sparse here) agree on every row
        INDArray zs = Nd4j.createFromArray(z), cs = Nd4j.createFromArray(codes);
        int[] winners = new SinkhornAssignment(100, 5, false, 0).assign(zs, cs);
        assertThat(new SinkhornAssignment(100, 5, false, 1).assign(zs, cs)).containsExactly(winners);
        assertThat(new SinkhornAssignment(100, 5).assign(zs, cs)).containsExactly(winners);
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) if (expected[i][j] > expected[i][best]) best = j;
            assertThat(winners[i]).as("row %d against the log-domain plan's argmax", i).isEqualTo(best);
        }
    }

    @Test
    void aKernelOverTheSparseBudgetFallsBackToTheDenseOne() {
        // ε = 2 keeps nearly every entry: a budget of 1% is exceeded part way through and the dense kernel takes over,
        // with the same plan as the always-dense one
        SplittableRandom r = new SplittableRandom(14);
        int n = 200, k = 300;
        float[][] z = gaussian(r, n, 4), codes = gaussian(r, k, 4);
        double[][] squared = new double[n][k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) squared[i][j] = squared(z[i], codes[j]);
        assertThat(keptFraction(squared, 2)).isGreaterThan(0.5);
        INDArray d = Nd4j.createFromArray(squared).castTo(DataType.FLOAT);
        INDArray fallback = new SinkhornAssignment(2, 5, false, 0.01).plan(d), dense = new SinkhornAssignment(2, 5, false, 0).plan(d);
        assertThat(fallback.equalsWithEps(dense, 0)).isTrue();
        // the sparse form of the same kernel drops nothing that matters: the same plan to float rounding
        INDArray sparse = new SinkhornAssignment(2, 5, false, 1).plan(d);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) assertThat(sparse.getDouble(i, j) * n * k).isCloseTo(dense.getDouble(i, j) * n * k, within(1e-4));
    }

    @Test
    void theCostStatisticsMatchPlainLoopsAndSampleRowsOfLargeMatrices() {
        SplittableRandom r = new SplittableRandom(15);
        // 1000 x 700 = 0.7M entries: every row; 2600 x 2048 = 5.3M: every second row
        int[][] cases = {{1000, 700}, {2600, 2048}};
        for (int[] c : cases) {
            int n = c[0], k = c[1];
            float[] d = new float[n * k];
            for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextDouble() * r.nextDouble() * 4);
            d[5] = -1e-6f;   // a squared distance rounded below zero counts as zero
            INDArray m = Nd4j.create(d, new long[]{n, k}, 'c');
            SinkhornAssignment.CostStats stats = new SinkhornAssignment.CostStats(n, k);
            stats.observe(m.data().asNioFloat(), 0, n / 3);   // in two blocks of rows, as the blocked product gives them
            stats.observe(m.data().asNioFloat(), n / 3, n);
            double sum = 0, sumSq = 0;
            double[] min = new double[k];
            java.util.Arrays.fill(min, Double.MAX_VALUE);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < k; j++) {
                    double v = Math.max(0, d[i * k + j]);
                    sum += Math.sqrt(v);
                    sumSq += v;
                    min[j] = Math.min(min[j], Math.sqrt(v));
                }
            double mean = sum / ((double) n * k), std = Math.sqrt(sumSq / ((double) n * k) - mean * mean);
            float[] got = stats.columnMin();
            for (int j = 0; j < k; j++) assertThat((double) got[j]).as("column %d minimum", j).isCloseTo(min[j], within(1e-6));
            double tolerance = (long) n * k <= SinkhornAssignment.STD_SAMPLE_ELEMENTS ? 1e-5 : 2e-3;
            assertThat(stats.std()).as("std of A for %d x %d", n, k).isCloseTo(std, within(tolerance * std));
        }
    }

    @Test
    void aWarmStartContinuesTheIterationsOfThePreviousCall() {
        // on the same batch, a warm-started call after one of 5 iterations is a cold run of 10 (its first row scaling
        // reproduces the previous call's last one)
        SplittableRandom r = new SplittableRandom(11);
        int n = 30, k = 50;
        float[][] z = gaussian(r, n, 3), codes = gaussian(r, k, 3);
        double[][] squared = new double[n][k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) squared[i][j] = squared(z[i], codes[j]);
        INDArray d = Nd4j.createFromArray(squared).castTo(DataType.FLOAT);
        SinkhornAssignment warm = new SinkhornAssignment(10, 5, true);
        INDArray first = warm.plan(d);
        INDArray second = warm.plan(d);
        INDArray cold5 = new SinkhornAssignment(10, 5).plan(d), cold10 = new SinkhornAssignment(10, 10).plan(d);
        assertThat(first.equalsWithEps(cold5, 1e-9)).isTrue();
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) assertThat(second.getDouble(i, j) * n * k).isCloseTo(cold10.getDouble(i, j) * n * k, within(1e-3));
        // the column marginals (the ones a row scaling leaves off) are closer to 1/K after the continued iterations
        double before = first.sum(0).subi(1.0 / k).amaxNumber().doubleValue(), after = second.sum(0).subi(1.0 / k).amaxNumber().doubleValue();
        assertThat(after).isLessThan(before);
    }

    @Test
    void drawnCodesFollowThePlanRowsAndGiveEveryCodeItsShare() {
        // 6 vectors, 5 codes; each draw of a row must land on code j with probability plan[i][j] / Σ_j plan[i][j]
        SplittableRandom r = new SplittableRandom(12);
        int n = 6, k = 5;
        float[][] z = gaussian(r, n, 2), codes = gaussian(r, k, 2);
        double[][] squared = new double[n][k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) squared[i][j] = squared(z[i], codes[j]);
        for (double sparseFraction : new double[]{0, 1}) {   // the dense and the sparse kernel
        SinkhornAssignment sinkhorn = new SinkhornAssignment(2, 50, false, sparseFraction);
        double[][] plan = logDomainPlan(squared, 2, 50);
        int draws = 1000;
        int[][] counts = new int[n][k];
        for (int t = 0; t < draws; t++) {
            int[] drawn = sinkhorn.assign(Nd4j.createFromArray(z), Nd4j.createFromArray(codes), StepRandom.of(3, t));
            for (int i = 0; i < n; i++) counts[i][drawn[i]]++;
        }
        double[] columnShare = new double[k];
        for (int i = 0; i < n; i++) {
            double rowMass = 0;
            for (int j = 0; j < k; j++) rowMass += plan[i][j];
            for (int j = 0; j < k; j++) {
                double p = plan[i][j] / rowMass;
                // within 5 standard deviations of the binomial count
                assertThat((double) counts[i][j]).as("row %d code %d", i, j).isCloseTo(p * draws, within(5 * Math.sqrt(draws * p * (1 - p)) + 1));
                columnShare[j] += counts[i][j] / (double) (draws * n);
            }
        }
        // balanced plan: every code receives ~1/K of the rows in expectation
        for (int j = 0; j < k; j++) assertThat(columnShare[j]).as("share of code %d", j).isCloseTo(1.0 / k, within(0.03));
        // the same generator state draws the same codes
        assertThat(sinkhorn.assign(Nd4j.createFromArray(z), Nd4j.createFromArray(codes), StepRandom.of(3, 7)))
                .containsExactly(sinkhorn.assign(Nd4j.createFromArray(z), Nd4j.createFromArray(codes), StepRandom.of(3, 7)));
        }
    }
}
