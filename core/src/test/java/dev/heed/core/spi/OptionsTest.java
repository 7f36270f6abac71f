package dev.heed.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.plugin.fake.BiasScorerProvider;
import dev.heed.core.plugin.fake.HelloProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {

    private final HelloProvider hello = new HelloProvider();

    @Test
    void defaultsFillEveryDeclaredOption() {
        Options o = Options.defaults(hello);
        assertEquals(1, o.getInt("times"));
        assertFalse(o.getBoolean("shout"));
        assertEquals("period", o.getString("ending"));
        assertEquals(List.of("times", "shout", "ending"), List.copyOf(o.asMap().keySet()));
        assertEquals("hello you.hello you.", hello.create(Options.of(hello, Map.of("times", 2))).greet("you"));
    }

    @Test
    void outOfRangeNamesProviderOptionValueAndAllowedRange() {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> Options.of(new BiasScorerProvider(), Map.of("maxDistance", 0)));
        assertEquals("provider 'relative-bias': option 'maxDistance' = 0 is out of range; allowed: an int in [1, 4096]",
                e.getMessage());
        assertEquals("maxDistance", e.option());
    }

    @Test
    void unknownOptionListsAcceptedOnesAndClosest() {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> Options.of(hello, Map.of("time", 3)));
        assertEquals("provider 'hello': unknown option 'time'; accepted options: times, shout, ending;"
                + " did you mean 'times'?", e.getMessage());
    }

    @Test
    void wrongTypesAreRejectedNotConverted() {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> Options.of(hello, Map.of("times", 2.5)));
        assertEquals("provider 'hello': option 'times' = 2.5 (a decimal number) has the wrong type;"
                + " allowed: an int in [1, 10]", e.getMessage());
        assertThrows(InvalidOptionException.class, () -> Options.of(hello, Map.of("shout", "yes")));
        assertThrows(InvalidOptionException.class, () -> Options.of(hello, Map.of("times", "3")));
        // A long beyond int range is out of range, not silently truncated.
        assertThrows(InvalidOptionException.class, () -> Options.of(hello, Map.of("times", 1L << 32)));
    }

    @Test
    void enumValueSuggestsClosestAllowedValue() {
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> Options.of(hello, Map.of("ending", "exclamaton")));
        assertEquals("provider 'hello': option 'ending' = \"exclamaton\" is not allowed;"
                + " allowed: one of: period, exclamation; did you mean 'exclamation'?", e.getMessage());
    }

    @Test
    void explicitNullIsAnErrorNotADefault() {
        Map<String, Object> given = new java.util.HashMap<>();
        given.put("times", null);
        InvalidOptionException e = assertThrows(InvalidOptionException.class, () -> Options.of(hello, given));
        assertEquals("provider 'hello': option 'times' = null; allowed: an int in [1, 10] (omit the option to use its default)",
                e.getMessage());
    }

    @Test
    void textIsParsedToTheDeclaredType() {
        Options o = Options.parse(hello, Map.of("times", "3", "shout", "true"));
        assertEquals(3, o.getInt("times"));
        assertTrue(o.getBoolean("shout"));
        assertThrows(InvalidOptionException.class, () -> Options.parse(hello, Map.of("times", "three")));
        assertThrows(InvalidOptionException.class, () -> Options.parse(hello, Map.of("shout", "yes")));
    }

    @Test
    void requiredOptionMustBeGiven() {
        List<OptionSpec> specs = List.of(OptionSpec.ofInt("heads", 1, "number of heads").atLeast(1).required());
        InvalidOptionException e = assertThrows(InvalidOptionException.class,
                () -> Options.validate("section 'attention'", specs, Map.of()));
        assertEquals("section 'attention': option 'heads' is required; allowed: an int >= 1 (number of heads)",
                e.getMessage());
        assertEquals(4, Options.validate("section 'attention'", specs, Map.of("heads", 4)).getInt("heads"));
    }

    @Test
    void accessorsCheckNameAndType() {
        Options o = Options.defaults(hello);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> o.getInt("tmes"));
        assertEquals("provider 'hello' declares no option 'tmes'; declared: times, shout, ending; did you mean 'times'?",
                unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> o.getDouble("times"));
        assertThrows(IllegalArgumentException.class, () -> o.getString("times"));
    }

    enum Ending { PERIOD, EXCLAMATION }

    @Test
    void enumOptionMapsToJavaEnum() {
        assertEquals(Ending.EXCLAMATION, Options.of(hello, Map.of("ending", "exclamation")).getEnum("ending", Ending.class));
    }
}
