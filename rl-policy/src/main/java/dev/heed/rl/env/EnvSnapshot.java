package dev.heed.rl.env;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The complete mutable state of an env or vector env (simulator state, step counters, random
 * generator words, running statistics) as named arrays, so training can be checkpointed mid-episode
 * and resumed exactly. Real values are {@code double[]}, integers and generator words {@code long[]};
 * both map one-to-one onto safetensors {@code F64}/{@code I64} tensors. Nested components use
 * dotted key prefixes ({@code env.3.rng}).
 *
 * <p>Immutable: {@code with…} and {@link #nest} return new snapshots; arrays are copied in and out.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class EnvSnapshot {

    private static final EnvSnapshot EMPTY = new EnvSnapshot(Map.of(), Map.of());

    private final Map<String, double[]> reals;
    private final Map<String, long[]> words;

    private EnvSnapshot(Map<String, double[]> reals, Map<String, long[]> words) {
        this.reals = reals;
        this.words = words;
    }

    /** @return a snapshot without entries */
    public static EnvSnapshot empty() {
        return EMPTY;
    }

    /**
     * @param reals name to real values (copied)
     * @param words name to integer values (copied)
     * @return a snapshot with these entries
     */
    public static EnvSnapshot of(Map<String, double[]> reals, Map<String, long[]> words) {
        Map<String, double[]> r = new LinkedHashMap<>();
        reals.forEach((k, v) -> r.put(k, v.clone()));
        Map<String, long[]> w = new LinkedHashMap<>();
        words.forEach((k, v) -> w.put(k, v.clone()));
        return new EnvSnapshot(Collections.unmodifiableMap(r), Collections.unmodifiableMap(w));
    }

    /**
     * @param key entry name
     * @param values real values
     * @return a copy with the entry added or replaced
     */
    public EnvSnapshot withReals(String key, double... values) {
        Map<String, double[]> r = new LinkedHashMap<>(reals);
        r.put(Objects.requireNonNull(key, "key"), values.clone());
        return new EnvSnapshot(Collections.unmodifiableMap(r), words);
    }

    /**
     * @param key entry name
     * @param values integer values
     * @return a copy with the entry added or replaced
     */
    public EnvSnapshot withWords(String key, long... values) {
        Map<String, long[]> w = new LinkedHashMap<>(words);
        w.put(Objects.requireNonNull(key, "key"), values.clone());
        return new EnvSnapshot(reals, Collections.unmodifiableMap(w));
    }

    /**
     * @param prefix e.g. {@code env.3}
     * @param inner a component's snapshot
     * @return a copy with every entry of {@code inner} added under {@code prefix + "." + key}
     */
    public EnvSnapshot nest(String prefix, EnvSnapshot inner) {
        Map<String, double[]> r = new LinkedHashMap<>(reals);
        inner.reals.forEach((k, v) -> r.put(prefix + "." + k, v));
        Map<String, long[]> w = new LinkedHashMap<>(words);
        inner.words.forEach((k, v) -> w.put(prefix + "." + k, v));
        return new EnvSnapshot(Collections.unmodifiableMap(r), Collections.unmodifiableMap(w));
    }

    /**
     * @param prefix e.g. {@code env.3}
     * @return the entries under {@code prefix + "."}, with the prefix removed
     */
    public EnvSnapshot sub(String prefix) {
        String p = prefix + ".";
        Map<String, double[]> r = new LinkedHashMap<>();
        reals.forEach((k, v) -> {
            if (k.startsWith(p)) {
                r.put(k.substring(p.length()), v);
            }
        });
        Map<String, long[]> w = new LinkedHashMap<>();
        words.forEach((k, v) -> {
            if (k.startsWith(p)) {
                w.put(k.substring(p.length()), v);
            }
        });
        return new EnvSnapshot(Collections.unmodifiableMap(r), Collections.unmodifiableMap(w));
    }

    /**
     * @param key entry name
     * @return a copy of the real values
     * @throws IllegalArgumentException if absent
     */
    public double[] reals(String key) {
        double[] v = reals.get(key);
        if (v == null) {
            throw new IllegalArgumentException("EnvSnapshot: no real entry '" + key + "'; has " + reals.keySet()
                    + " — was the snapshot taken from an env of the same kind?");
        }
        return v.clone();
    }

    /**
     * @param key entry name
     * @return a copy of the integer values
     * @throws IllegalArgumentException if absent
     */
    public long[] words(String key) {
        long[] v = words.get(key);
        if (v == null) {
            throw new IllegalArgumentException("EnvSnapshot: no integer entry '" + key + "'; has " + words.keySet()
                    + " — was the snapshot taken from an env of the same kind?");
        }
        return v.clone();
    }

    /**
     * @param key entry name
     * @return whether a real or integer entry exists
     */
    public boolean contains(String key) {
        return reals.containsKey(key) || words.containsKey(key);
    }

    /** @return every real entry (unmodifiable map; arrays must not be modified) */
    public Map<String, double[]> realEntries() {
        return reals;
    }

    /** @return every integer entry (unmodifiable map; arrays must not be modified) */
    public Map<String, long[]> wordEntries() {
        return words;
    }

    @Override
    public String toString() {
        return "EnvSnapshot[reals=" + reals.keySet() + ", words=" + words.keySet() + "]";
    }
}
