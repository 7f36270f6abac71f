package dev.heed.core;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Heed's one seeded random generator: xoshiro256** (Blackman and Vigna), seeded through SplitMix64.
 *
 * <p>Contract: the same seed gives the same sequence on every JVM. The whole state (four words plus
 * a cached Gaussian) can be saved with {@link #state()} and restored with {@link #restore(long[])},
 * so a resumed run continues exactly. {@link #child(long)} derives an independent stream from the
 * seed and an index without consuming numbers from this generator, so per-environment or
 * per-worker streams never depend on thread scheduling.
 *
 * <p>Not thread-safe: give each thread its own child.
 *
 * <pre>{@code
 * Rng rng = Rng.seeded(42);
 * double u = rng.nextDouble();          // [0, 1)
 * Rng env3 = rng.child(3);              // same stream for env 3 in every run
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Rng {

    private final long seed;
    private long s0;
    private long s1;
    private long s2;
    private long s3;
    private boolean haveSpare;
    private double spare;

    private Rng(long seed) {
        this.seed = seed;
        long x = seed;
        x += 0x9E3779B97F4A7C15L;
        s0 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s1 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s2 = mix(x);
        x += 0x9E3779B97F4A7C15L;
        s3 = mix(x);
    }

    /**
     * @param seed any value; equal seeds give equal sequences
     * @return a new generator
     */
    public static Rng seeded(long seed) {
        return new Rng(seed);
    }

    /** @return the seed this generator (or its root) was created from, as recorded in provenance */
    public long seed() {
        return seed;
    }

    /**
     * Derives an independent generator for stream {@code index}; depends only on this generator's
     * seed and the index, never on how many numbers were drawn.
     *
     * @param index stream number, e.g. the environment index
     * @return a new generator
     */
    public Rng child(long index) {
        return new Rng(mix(seed ^ mix(index + 0x632BE59BD9B4E019L)));
    }

    /** @return the next 64 random bits */
    public long nextLong() {
        long result = Long.rotateLeft(s1 * 5, 7) * 9;
        long t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Long.rotateLeft(s3, 45);
        return result;
    }

    /** @return a uniform double in [0, 1) with 53 random bits */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** @return a uniform float in [0, 1) with 24 random bits */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /**
     * @param low inclusive lower bound
     * @param high exclusive upper bound, greater than {@code low}
     * @return a uniform double in [low, high)
     */
    public double uniform(double low, double high) {
        if (!(high > low)) {
            throw new IllegalArgumentException("uniform: high must exceed low, got low=" + low + ", high=" + high);
        }
        return low + (high - low) * nextDouble();
    }

    /**
     * @param bound exclusive upper bound, positive
     * @return a uniform int in [0, bound), without modulo bias
     */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("nextInt: bound must be positive, got " + bound);
        }
        long r = nextLong() >>> 33;
        long m = r * bound;
        long l = m & 0x7FFFFFFFL;
        if (l < bound) {
            long threshold = (0x80000000L - bound) % bound;
            while (l < threshold) {
                r = nextLong() >>> 33;
                m = r * bound;
                l = m & 0x7FFFFFFFL;
            }
        }
        return (int) (m >>> 31);
    }

    /** @return a standard normal sample (Marsaglia polar method; the spare is part of the state) */
    public double nextGaussian() {
        if (haveSpare) {
            haveSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * f;
        haveSpare = true;
        return u * f;
    }

    /**
     * Shuffles {@code a} in place (Fisher-Yates).
     *
     * @param a the array to permute
     */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * @param n size
     * @return a random permutation of 0..n-1
     */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }

    /**
     * @return the full state: seed, four xoshiro words, spare flag and the spare's bits; pass it to
     *     {@link #restore(long[])} to continue exactly from here
     */
    public long[] state() {
        return new long[] {seed, s0, s1, s2, s3, haveSpare ? 1 : 0, Double.doubleToRawLongBits(spare)};
    }

    /**
     * Restores a state from {@link #state()}.
     *
     * @param state seven words as returned by {@link #state()}
     * @return a generator that continues exactly where the saved one was
     * @throws IllegalArgumentException if the array is not a saved state
     */
    public static Rng restore(long[] state) {
        if (state == null || state.length != 7 || (state[5] != 0 && state[5] != 1)
                || (state[1] | state[2] | state[3] | state[4]) == 0) {
            throw new IllegalArgumentException("Rng.restore: expected the 7 words written by Rng.state(), got "
                    + Arrays.toString(state));
        }
        Rng r = new Rng(state[0]);
        r.s0 = state[1];
        r.s1 = state[2];
        r.s2 = state[3];
        r.s3 = state[4];
        r.haveSpare = state[5] == 1;
        r.spare = Double.longBitsToDouble(state[6]);
        return r;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
