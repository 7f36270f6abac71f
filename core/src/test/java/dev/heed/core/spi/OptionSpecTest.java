package dev.heed.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionSpecTest {

    @Test
    void describesWhatIsAllowed() {
        assertEquals("an int in [1, 4096]", OptionSpec.ofInt("d", 32, "doc").range(1, 4096).allowedDescription());
        assertEquals("a double > 0.0", OptionSpec.ofDouble("eps", 1e-8, "doc").greaterThan(0).allowedDescription());
        assertEquals("a double <= 1.0", OptionSpec.ofDouble("p", 0.5, "doc").atMost(1).allowedDescription());
        assertEquals("one of: a, b", OptionSpec.ofEnum("e", "a", "doc", List.of("a", "b")).allowedDescription());
        assertEquals("a boolean", OptionSpec.ofBoolean("flag", true, "doc").allowedDescription());
    }

    @Test
    void exclusiveLowerBoundRejectsTheBoundItself() {
        OptionSpec eps = OptionSpec.ofDouble("eps", 1e-8, "doc").greaterThan(0);
        assertEquals(1e-12, eps.validate("provider 'x'", 1e-12));
        assertThrows(InvalidOptionException.class, () -> eps.validate("provider 'x'", 0.0));
        assertThrows(InvalidOptionException.class, () -> eps.validate("provider 'x'", Double.NaN));
        // Integers widen to double.
        assertEquals(2.0, eps.validate("provider 'x'", 2));
    }

    @Test
    void declarationErrorsAreCaughtEarly() {
        IllegalStateException badDefault = assertThrows(IllegalStateException.class,
                () -> OptionSpec.ofInt("heads", 0, "doc").atLeast(1));
        assertEquals("OptionSpec 'heads': default value is not allowed: default: option 'heads' = 0 is out of range;"
                + " allowed: an int >= 1", badDefault.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OptionSpec.ofInt("max_distance", 1, "doc"));
        assertThrows(IllegalArgumentException.class, () -> OptionSpec.ofEnum("e", "a", "doc", List.of("a", "a")));
        assertThrows(IllegalStateException.class, () -> OptionSpec.ofEnum("e", "c", "doc", List.of("a", "b")));
        assertThrows(IllegalStateException.class, () -> OptionSpec.ofBoolean("b", true, "doc").atLeast(0));
        assertThrows(IllegalArgumentException.class, () -> OptionSpec.ofInt("i", 1, "doc").range(5, 2));
    }
}
