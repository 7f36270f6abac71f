package dev.heed.core;

import java.util.Collection;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * "Did you mean" support for error messages: Levenshtein distance and the closest candidate.
 *
 * <p>Public so that every module's errors suggest names the same way (plugins, options, env ids,
 * spec keys). Stateless and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Suggestions {

    private Suggestions() {}

    /**
     * The edit distance (insertions, deletions, substitutions, each costing 1) between two strings,
     * compared case-insensitively.
     *
     * @param a non-null
     * @param b non-null
     * @return the distance, {@code 0} when equal ignoring case
     */
    public static int editDistance(String a, String b) {
        String x = a.toLowerCase(java.util.Locale.ROOT);
        String y = b.toLowerCase(java.util.Locale.ROOT);
        int[] prev = new int[y.length() + 1];
        int[] cur = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int sub = prev[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[y.length()];
    }

    /**
     * The candidate closest to {@code wanted}, if it is close enough to be a plausible typo: at most
     * {@code max(2, wanted.length() / 2)} edits away, or starting with {@code wanted} (at least three
     * characters). Ties go to the first candidate in iteration order.
     *
     * @param wanted the name the user wrote
     * @param candidates the names on offer
     * @return the closest plausible candidate, or empty
     */
    public static Optional<String> closest(String wanted, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(wanted, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int limit = Math.max(2, wanted.length() / 2);
        if (best != null && bestDistance <= limit) {
            return Optional.of(best);
        }
        // A truncated name ("maxDist" for "maxDistance") is a plausible typo too.
        String lower = wanted.toLowerCase(java.util.Locale.ROOT);
        if (lower.length() >= 3) {
            for (String c : candidates) {
                if (c.toLowerCase(java.util.Locale.ROOT).startsWith(lower)) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * @param wanted the name the user wrote
     * @param candidates the names on offer
     * @return {@code "; did you mean 'x'?"} for the closest plausible candidate, or {@code ""}
     */
    public static String didYouMean(String wanted, Collection<String> candidates) {
        return closest(wanted, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
    }
}
