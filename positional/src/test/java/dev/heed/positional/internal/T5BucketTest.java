package dev.heed.positional.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * T5 buckets against values worked out by hand from the definition (Raffel et al. 2020): with
 * 32 bidirectional buckets and max distance 128, each direction has 16 buckets, the first 8
 * distances exact, then {@code 8 + floor(log(n/8) / log(128/8) * 8)} capped at 15; keys after the
 * query add 16.
 */
class T5BucketTest {

    @Test
    void bidirectional32Buckets128() {
        int[][] cases = {
            {0, 0}, {-1, 1}, {-7, 7}, {-8, 8},
            {-15, 9},    // 8 + floor(2 log2(15/8) = 1.81)
            {-16, 10},   // 8 + 2 log2(2) = 10 exactly (boundary)
            {-20, 10},   // 8 + floor(2.64)
            {-127, 15},  // 8 + floor(7.98)
            {-128, 15}, {-1000, 15},
            {1, 17}, {3, 19}, {16, 26}, {200, 31}};
        for (int[] c : cases) {
            assertEquals(c[1], Tables.t5Bucket(c[0], true, 32, 128), "distance " + c[0]);
        }
    }

    @Test
    void unidirectional32Buckets128() {
        // 32 buckets for keys at or before the query; 16 exact; then 16 + floor(log(n/16) / log(8) * 16)
        int[][] cases = {{5, 0}, {0, 0}, {-5, 5}, {-15, 15}, {-16, 16}, {-32, 21}, {-40, 23}, {-1000, 31}};
        for (int[] c : cases) {
            assertEquals(c[1], Tables.t5Bucket(c[0], false, 32, 128), "distance " + c[0]);
        }
    }

    @Test
    void clipped() {
        assertEquals(0, Tables.clipped(-9, 3));
        assertEquals(0, Tables.clipped(-3, 3));
        assertEquals(3, Tables.clipped(0, 3));
        assertEquals(6, Tables.clipped(3, 3));
        assertEquals(6, Tables.clipped(50, 3));
    }
}
