package io.vqtok.spark;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Caps the threads ND4J uses for one op: its own parallel loops (libnd4j's master threads; its {@code setMaxThreads} is
 * a no-op in 1.0.0-M2.1, the pool keeps its size but a loop uses at most the master threads), OpenMP (oneDNN
 * convolutions; a per-thread setting, so each task sets it on its own thread) and the BLAS library (matrix products). An executor runs {@code cores / spark.task.cpus} tasks at once;
 * ND4J's default (every core for every op) would run cores² threads on cores cores.
 */
final class Nd4jThreads {
    private static volatile int lastOmp = -1;

    private Nd4jThreads() {
    }

    /** Sets every thread count ND4J has to {@code n} (process-wide: each task of an executor asks for the same n). */
    static synchronized void limit(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
        lastOmp = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    }

    /**
     * What ND4J reports: its master threads and BLAS threads now, and OpenMP's max threads on the thread that last called
     * {@link #limit} (a task's thread).
     */
    static int[] reported() {
        return new int[]{Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getMaxThreads(), lastOmp};
    }
}
