package dev.ssb.worker.distill;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Plain-double reference computations, independent of DJL, for the KD tests. */
final class KdReference {

    private KdReference() {}

    static double[] logSoftmax(float[] row, int valid, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < valid; i++) {
            max = Math.max(max, row[i] / temperature);
        }
        double sum = 0;
        for (int i = 0; i < valid; i++) {
            sum += Math.exp(row[i] / temperature - max);
        }
        double lse = max + Math.log(sum);
        double[] out = new double[valid];
        for (int i = 0; i < valid; i++) {
            out[i] = row[i] / temperature - lse;
        }
        return out;
    }

    static double logSumExp(float[] row, int valid, double temperature) {
        double[] ls = logSoftmax(row, valid, temperature);
        return row[0] / temperature - ls[0];
    }

    /** T² · KL(softmax(teacher/T) ‖ softmax(student/T)) over the first {@code valid} columns. */
    static double fullKl(float[] teacher, float[] student, int valid, double t) {
        double[] lp = logSoftmax(teacher, valid, t);
        double[] lq = logSoftmax(student, valid, t);
        double kl = 0;
        for (int i = 0; i < valid; i++) {
            kl += Math.exp(lp[i]) * (lp[i] - lq[i]);
        }
        return t * t * kl;
    }

    /** T² · KL over the k teacher buckets of {@code ids} plus one rest bucket. */
    static double bucketKl(float[] teacher, float[] student, int[] ids, int valid, double t) {
        double[] lp = logSoftmax(teacher, valid, t);
        double[] lq = logSoftmax(student, valid, t);
        boolean[] top = new boolean[valid];
        double kl = 0;
        double pTop = 0;
        double qTop = 0;
        for (int id : ids) {
            top[id] = true;
            kl += Math.exp(lp[id]) * (lp[id] - lq[id]);
            pTop += Math.exp(lp[id]);
            qTop += Math.exp(lq[id]);
        }
        double pRest = 0;
        double qRest = 0;
        for (int i = 0; i < valid; i++) {
            if (!top[i]) {
                pRest += Math.exp(lp[i]);
                qRest += Math.exp(lq[i]);
            }
        }
        if (pRest > 0) {
            kl += pRest * (Math.log(pRest) - Math.log(qRest));
        }
        return t * t * kl;
    }

    static double crossEntropy(float[] student, int target, int valid) {
        return -logSoftmax(student, valid, 1.0)[target];
    }

    /** Ids of the k largest entries among the first {@code valid}, by decreasing value. */
    static int[] topk(float[] row, int valid, int k) {
        return IntStream.range(0, valid)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -row[i]))
                .limit(k)
                .mapToInt(Integer::intValue)
                .toArray();
    }

    static float[] gatherRow(float[] row, int[] ids) {
        float[] out = new float[ids.length];
        for (int j = 0; j < ids.length; j++) {
            out[j] = row[ids[j]];
        }
        return out;
    }

    static float[] concat(float[][] rows) {
        int total = 0;
        for (float[] r : rows) {
            total += r.length;
        }
        float[] out = new float[total];
        int pos = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, out, pos, r.length);
            pos += r.length;
        }
        return out;
    }

    static int[] concat(int[][] rows) {
        return Arrays.stream(rows).flatMapToInt(Arrays::stream).toArray();
    }
}
