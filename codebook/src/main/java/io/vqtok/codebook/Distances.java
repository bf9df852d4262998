package io.vqtok.codebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * Squared Euclidean distances and nearest-code search between vectors z {@code [N, D]} and codes
 * e {@code [K, D]}, computed as ‖z‖² − 2 z eᵀ + ‖e‖² with ND4J ops (any backend), in row chunks so memory
 * stays bounded for large N·K.
 */
public final class Distances {
    /** At most this many distance entries are materialised at once (16 MB of floats). */
    private static final long MAX_CHUNK_ELEMENTS = 4L << 20;
    /**
     * Scratch memory of the search is reused from call to call: on this stack a fresh off-heap allocation
     * (and its first-touch page faults) costs more than the arithmetic done in it.
     */
    private static final WorkspaceConfiguration SCRATCH = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP).build();
    private static final String SCRATCH_ID = "vqtok.distances";

    private Distances() {
    }

    /** Squared distances {@code [N, K]}. */
    public static INDArray squared(INDArray z, INDArray codes) {
        checkShapes(z, codes);
        INDArray zz = z.mul(z).sum(true, 1);                           // [N,1]
        INDArray ee = codes.mul(codes).sum(true, 1).reshape(1, codes.size(0)); // [1,K]
        INDArray d = z.mmul(codes.transpose()).muli(-2.0);             // [N,K]
        d.addiColumnVector(zz);
        d.addiRowVector(ee);
        return d;
    }

    /**
     * Index of the nearest code for each row of z, as an INT32 array {@code [N]}: argmin of ‖e‖² − 2 z·e
     * (‖z‖² does not change the winner), computed as one matrix product per chunk of rows.
     */
    public static INDArray nearest(INDArray z, INDArray codes) {
        checkShapes(z, codes);
        // [−2e, ‖e‖²] {@code [K, D+1]}: with rows [z, 1] one product gives ‖e‖² − 2 z·e
        return argminAffine(z, Nd4j.hstack(codes.mul(-2.0), codes.mul(codes).sum(true, 1)));
    }

    /** Index of the code with the largest inner product z·e for each row of z, INT32 {@code [N]}. */
    public static INDArray largestInnerProduct(INDArray z, INDArray codes) {
        checkShapes(z, codes);
        return argminAffine(z, Nd4j.hstack(codes.neg(), Nd4j.zeros(codes.dataType(), codes.size(0), 1)));
    }

    /** Rows of x scaled to unit l2 norm (rows of norm below 1e-8 divided by 1e-8), as a new array. */
    public static INDArray normalizeRows(INDArray x) {
        INDArray norms = x.norm2(true, 1);
        org.nd4j.linalg.ops.transforms.Transforms.max(norms, 1e-8, false);
        return x.divColumnVector(norms);
    }

    /** argmin_k of [z, 1]·a_kᵀ for the rows a_k of {@code augmented} {@code [K, D+1]}, chunked. */
    private static INDArray argminAffine(INDArray z, INDArray augmented) {
        long n = z.size(0);
        long k = augmented.size(0);
        long chunk = Math.max(1, MAX_CHUNK_ELEMENTS / Math.max(1, k));
        INDArray out = Nd4j.create(DataType.INT32, n);
        for (long start = 0; start < n; start += chunk) {
            long end = Math.min(n, start + chunk);
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH, SCRATCH_ID)) {
                INDArray rows = n <= chunk ? z : z.get(NDArrayIndex.interval(start, end), NDArrayIndex.all());
                INDArray withOne = Nd4j.hstack(rows, Nd4j.ones(rows.dataType(), rows.size(0), 1));
                INDArray part = Nd4j.argMin(withOne.mmul(augmented.transpose()), 1);
                out.get(NDArrayIndex.interval(start, end)).assign(part.castTo(DataType.INT32).reshape(end - start));
            }
        }
        return out;
    }

    private static void checkShapes(INDArray z, INDArray codes) {
        if (z.rank() != 2 || codes.rank() != 2 || z.size(1) != codes.size(1))
            throw new IllegalArgumentException("expected z [N, D] and codes [K, D], got z "
                    + Arrays.toString(z.shape()) + " and codes " + Arrays.toString(codes.shape()));
    }
}
