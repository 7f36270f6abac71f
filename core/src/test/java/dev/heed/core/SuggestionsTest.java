package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    @Test
    void editDistanceMatchesHandCountedExamples() {
        // kitten -> sitten (sub) -> sittin (sub) -> sitting (insert)
        assertEquals(3, Suggestions.editDistance("kitten", "sitting"));
        // flaw -> law (delete) -> lawn (insert)
        assertEquals(2, Suggestions.editDistance("flaw", "lawn"));
        assertEquals(3, Suggestions.editDistance("", "abc"));
        assertEquals(0, Suggestions.editDistance("Cosine", "cosine"));
    }

    @Test
    void closestIsOnlyOfferedForPlausibleTypos() {
        List<String> names = List.of("dot", "scaled-dot", "cosine", "additive");
        assertEquals(Optional.of("cosine"), Suggestions.closest("cosin", names));
        assertEquals(Optional.of("scaled-dot"), Suggestions.closest("scaled_dot", names));
        assertEquals(Optional.empty(), Suggestions.closest("transformer-xl", names));
        assertEquals("", Suggestions.didYouMean("x", List.of()));
    }
}
