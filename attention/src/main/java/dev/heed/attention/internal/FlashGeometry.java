package dev.heed.attention.internal;

/**
 * Sizes, mask and tiling of one blocked-attention call: {@code q [B, H, Tq, d]},
 * {@code k [B, H, Tk, d]}, {@code v [B, H, Tk, dv]}, all contiguous. Query {@code i} of sequence
 * {@code b} sees key {@code j} when {@code j < keyLength(b)} and, with a causal mask,
 * {@code j ≤ Tk − Tq + i}.
 */
final class FlashGeometry {

    final int b;
    final int h;
    final int tq;
    final int tk;
    final int d;
    final int dv;
    final boolean causal;
    final int[] keyLengths;
    /** Query rows per tile. */
    final int bq;
    /** Keys per tile. */
    final int bk;

    FlashGeometry(int b, int h, int tq, int tk, int d, int dv, boolean causal, int[] keyLengths, int bq, int bk) {
        this.b = b;
        this.h = h;
        this.tq = tq;
        this.tk = tk;
        this.d = d;
        this.dv = dv;
        this.causal = causal;
        this.keyLengths = keyLengths;
        this.bq = bq;
        this.bk = bk;
    }

    /** @return the number of real keys of sequence {@code x} */
    int length(int x) {
        return keyLengths == null ? tk : Math.max(0, Math.min(tk, keyLengths[x]));
    }

    /** @return how many leading keys query row {@code i} of a sequence with {@code len} keys sees */
    int limit(int len, int i) {
        int end = causal ? Math.min(len, tk - tq + i + 1) : len;
        return Math.max(0, end);
    }

    /**
     * @return the first of the query rows {@code [i0, i0 + nq)} that sees key {@code j0} (rows are
     *     ordered by how many keys they see), or {@code nq} when none does
     */
    int firstRow(int len, int i0, int nq, int j0) {
        int r = 0;
        while (r < nq && limit(len, i0 + r) <= j0) {
            r++;
        }
        return r;
    }

    /** @return the keys any sequence's rows {@code [q0, q0 + rows)} can see (the bias width of a chunk) */
    int chunkKeys(int q0, int rows) {
        int max = 0;
        for (int x = 0; x < b; x++) {
            max = Math.max(max, length(x));
        }
        return limit(max, q0 + rows - 1);
    }
}
