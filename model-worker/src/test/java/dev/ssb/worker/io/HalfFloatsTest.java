package dev.ssb.worker.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void everyHalfSurvivesWideningAndNarrowing() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.halfToFloat((short) h);
            boolean nan = (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0;
            if (nan) {
                assertThat(f).isNaN();
                assertThat(Float.isNaN(HalfFloats.halfToFloat(HalfFloats.floatToHalf(f)))).isTrue();
            } else {
                assertThat(HalfFloats.floatToHalf(f) & 0xffff).as("half 0x%04x", h).isEqualTo(h);
            }
        }
    }

    @Test
    void widensKnownHalfValues() {
        assertThat(HalfFloats.halfToFloat((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(HalfFloats.halfToFloat((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(HalfFloats.halfToFloat((short) 0x7bff)).isEqualTo(65504.0f);
        assertThat(HalfFloats.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.halfToFloat((short) 0x03ff)).isEqualTo(1023 * 0x1p-24f);
        assertThat(HalfFloats.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.halfToFloat((short) 0x8000)).isEqualTo(-0.0f);
    }

    @Test
    void halfNarrowingRoundsTiesToEven() {
        // 1 + 2^-11 is halfway between 1 (even mantissa) and 1 + 2^-10: rounds down
        assertThat(HalfFloats.floatToHalf(1f + 0x1p-11f)).isEqualTo((short) 0x3c00);
        // 1 + 3 * 2^-11 is halfway between 1 + 2^-10 (odd) and 1 + 2^-9: rounds up
        assertThat(HalfFloats.floatToHalf(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3c02);
        // just above the tie rounds up
        assertThat(HalfFloats.floatToHalf(Math.nextUp(1f + 0x1p-11f))).isEqualTo((short) 0x3c01);
        // 65520 is the tie between 65504 and 65536 (not representable): overflows to infinity
        assertThat(HalfFloats.floatToHalf(65519f)).isEqualTo((short) 0x7bff);
        assertThat(HalfFloats.floatToHalf(65520f)).isEqualTo((short) 0x7c00);
        // subnormals: 2^-25 is the tie between 0 and the smallest subnormal
        assertThat(HalfFloats.floatToHalf(0x1p-25f)).isEqualTo((short) 0);
        assertThat(HalfFloats.floatToHalf(Math.nextUp(0x1p-25f))).isEqualTo((short) 1);
        assertThat(HalfFloats.floatToHalf(3 * 0x1p-25f)).isEqualTo((short) 2);
        assertThat(HalfFloats.floatToHalf(-1e-30f)).isEqualTo((short) 0x8000);
    }

    @Test
    void halfNarrowingIsTheNearestHalf() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            float f = (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(-26, 16)));
            if (Math.abs(f) > 65504f) {
                continue; // overflow to infinity is checked above
            }
            float rounded = HalfFloats.halfToFloat(HalfFloats.floatToHalf(f));
            // no other half lies closer: compare with the neighbours of the result
            short h = HalfFloats.floatToHalf(f);
            float up = HalfFloats.halfToFloat((short) (h + 1));
            float down = HalfFloats.halfToFloat((short) (h - 1));
            double err = Math.abs((double) f - rounded);
            if (!Float.isNaN(up) && Math.signum(up) == Math.signum(rounded)) {
                assertThat(err).isLessThanOrEqualTo(Math.abs((double) f - up));
            }
            if (!Float.isNaN(down) && (h & 0x7fff) != 0) {
                assertThat(err).isLessThanOrEqualTo(Math.abs((double) f - down));
            }
        }
    }

    @Test
    void bf16NarrowingMatchesABitPatternReference() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 100_000; i++) {
            int bits = rnd.nextInt();
            float f = Float.intBitsToFloat(bits);
            if (Float.isNaN(f)) {
                assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(f))).isNaN();
                continue;
            }
            assertThat(HalfFloats.floatToBf16(f) & 0xffff)
                    .as("bits 0x%08x", bits)
                    .isEqualTo(referenceBf16(bits));
        }
        assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1.00390625f))).isEqualTo(1.0f);
        assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1.01171875f)))
                .isEqualTo(1.015625f);
        assertThat(HalfFloats.floatToBf16(Float.MAX_VALUE)).isEqualTo((short) 0x7f80);
    }

    /** Round to nearest even on the low 16 bits, written as an explicit case analysis. */
    private static int referenceBf16(int bits) {
        int upper = bits >>> 16;
        int lower = bits & 0xffff;
        if (lower > 0x8000 || (lower == 0x8000 && (upper & 1) == 1)) {
            upper++;
        }
        return upper & 0xffff;
    }
}
