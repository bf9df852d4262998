package io.vqtok.quantizers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static io.vqtok.quantizers.GraphTestSupport.m;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RotationTrickQuantizerTest {

    private static VectorQuantizer quantizer(double beta, double[][] codebook) {
        VectorQuantizerConfig cfg = new VectorQuantizerConfig(codebook.length, codebook[0].length, beta,
                VectorQuantizerConfig.Estimator.ROTATION, io.vqtok.codebook.CodebookInit.UNIFORM, 0, io.vqtok.codebook.ReseedConfig.OFF);
        VectorQuantizer q = (VectorQuantizer) cfg.create("q.", 0);
        q.codebook().assign(m(codebook));
        return q;
    }

    @Test
    void handMadeExampleForwardIsCodeBackwardIsLambdaRTransposeG() {
        // z = (1,0), q = (0,2): λ = 2, R = [[0,-1],[1,0]] (a quarter turn), g = (1,3)
        VectorQuantizer q = quantizer(0.0, new double[][]{{0, 2}, {5, 5}});
        GraphTestSupport.Result r = GraphTestSupport.run(q, m(new double[][]{{1, 0}}), m(new double[][]{{1, 3}}));
        assertThat(r.quantized().toDoubleVector()).containsExactly(new double[]{0, 2}, within(1e-6));
        // λ Rᵀ g = 2 · [[0,1],[-1,0]] (1,3) = (6, −2)
        assertThat(r.gradZ().toDoubleVector()).containsExactly(new double[]{6, -2}, within(1e-5));
        // the rotation gives the codebook no gradient: only the codebook loss does, 2(q − z)/2 = (−1, 2)
        assertThat(r.gradParams().get("q.codebook").getRow(0).toDoubleVector()).containsExactly(new double[]{-1, 2}, within(1e-6));
    }

    @Test
    void randomVectorsMatchExplicitRotationMatrix() {
        Random rnd = new Random(7);
        int n = 5, d = 4, k = 6;
        double[][] cb = new double[k][d];
        double[][] zs = new double[n][d];
        double[][] gs = new double[n][d];
        for (double[][] a : new double[][][]{cb, zs, gs}) for (double[] row : a) for (int j = 0; j < d; j++) row[j] = rnd.nextGaussian();
        VectorQuantizer q = quantizer(0.0, cb);
        GraphTestSupport.Result r = GraphTestSupport.run(q, m(zs), m(gs));
        long[] idx = r.indices().toLongVector();
        double[][] gz = r.gradZ().toDoubleMatrix();
        double[][] out = r.quantized().toDoubleMatrix();
        for (int i = 0; i < n; i++) {
            double[] z = zs[i], e = cb[(int) idx[i]];
            double nz = norm(z), ne = norm(e);
            double[] zh = scale(z, 1 / nz), eh = scale(e, 1 / ne), rr = add(zh, eh);
            rr = scale(rr, 1 / norm(rr));
            double[][] R = new double[d][d];
            for (int a = 0; a < d; a++) for (int b = 0; b < d; b++)
                R[a][b] = (a == b ? 1 : 0) - 2 * rr[a] * rr[b] + 2 * eh[a] * zh[b];
            double lambda = ne / nz;
            for (int a = 0; a < d; a++) {
                double fwd = 0, back = 0;
                for (int b = 0; b < d; b++) {
                    fwd += lambda * R[a][b] * z[b];
                    back += lambda * R[b][a] * gs[i][b];
                }
                assertThat(out[i][a]).as("forward equals the code").isCloseTo(e[a], within(1e-4));
                assertThat(fwd).isCloseTo(e[a], within(1e-4));
                assertThat(gz[i][a]).as("backward = λ Rᵀ g").isCloseTo(back, within(1e-4));
            }
        }
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    private static double[] scale(double[] v, double c) {
        double[] o = v.clone();
        for (int i = 0; i < o.length; i++) o[i] *= c;
        return o;
    }

    private static double[] add(double[] a, double[] b) {
        double[] o = a.clone();
        for (int i = 0; i < o.length; i++) o[i] += b[i];
        return o;
    }
}
