package dev.heed.core.spi;

import org.apiguardian.api.API;

/**
 * The value types a provider option may have. Values are held as {@link Integer}, {@link Double},
 * {@link Boolean} or {@link String} ({@link #ENUM} values are strings drawn from a fixed list).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum OptionType {
    /** A 32-bit integer. */
    INT("an int"),
    /** A finite 64-bit floating-point number; integers are accepted and widened. */
    DOUBLE("a double"),
    /** {@code true} or {@code false}. */
    BOOLEAN("a boolean"),
    /** Any string. */
    STRING("a string"),
    /** One string out of a declared list. */
    ENUM("one of");

    private final String noun;

    OptionType(String noun) {
        this.noun = noun;
    }

    /** @return how error messages name this type, e.g. {@code "an int"} */
    public String noun() {
        return noun;
    }
}
