package dev.heed.core.spi;

import dev.heed.core.Suggestions;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * One option a provider declares: name, type, default, allowed values and documentation.
 *
 * <p>Immutable; the refining methods ({@link #range}, {@link #atLeast}, {@link #greaterThan},
 * {@link #atMost}, {@link #required}) return a new spec. Create one with a factory:
 *
 * <pre>{@code
 * OptionSpec.ofInt("maxDistance", 32, "largest relative distance with its own bias").range(1, 4096)
 * OptionSpec.ofDouble("eps", 1e-8, "added to the norms").greaterThan(0)
 * OptionSpec.ofEnum("init", "zeros", "initial bias values", List.of("zeros", "normal"))
 * OptionSpec.ofInt("heads", 1, "number of heads").atLeast(1).required()
 * }</pre>
 *
 * <p>Option names are camelCase ({@code [a-z][a-zA-Z0-9]*}), matching the JSON keys of stack specs.
 * Bounds are inclusive unless set with {@link #greaterThan}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class OptionSpec {

    private static final Pattern NAME = Pattern.compile("[a-z][a-zA-Z0-9]*");

    private final String name;
    private final OptionType type;
    private final Object defaultValue;
    private final double min;
    private final boolean minExclusive;
    private final double max;
    private final List<String> allowed;
    private final String doc;

    private OptionSpec(String name, OptionType type, Object defaultValue, double min, boolean minExclusive,
                       double max, List<String> allowed, String doc) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
        this.min = min;
        this.minExclusive = minExclusive;
        this.max = max;
        this.allowed = allowed;
        this.doc = doc;
    }

    private static OptionSpec create(String name, OptionType type, Object defaultValue, List<String> allowed,
                                     String doc) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(doc, "doc");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("OptionSpec: name '" + name
                    + "' is not camelCase; use letters and digits starting with a lower-case letter, e.g. 'maxDistance'");
        }
        OptionSpec spec = new OptionSpec(name, type, defaultValue, Double.NEGATIVE_INFINITY, false,
                Double.POSITIVE_INFINITY, allowed, doc);
        spec.checkDefault();
        return spec;
    }

    /**
     * @param name camelCase option name
     * @param defaultValue used when the option is absent
     * @param doc one sentence for users
     * @return an int option without bounds
     */
    public static OptionSpec ofInt(String name, int defaultValue, String doc) {
        return create(name, OptionType.INT, defaultValue, List.of(), doc);
    }

    /**
     * @param name camelCase option name
     * @param defaultValue used when the option is absent; must be finite
     * @param doc one sentence for users
     * @return a double option without bounds
     */
    public static OptionSpec ofDouble(String name, double defaultValue, String doc) {
        return create(name, OptionType.DOUBLE, defaultValue, List.of(), doc);
    }

    /**
     * @param name camelCase option name
     * @param defaultValue used when the option is absent
     * @param doc one sentence for users
     * @return a boolean option
     */
    public static OptionSpec ofBoolean(String name, boolean defaultValue, String doc) {
        return create(name, OptionType.BOOLEAN, defaultValue, List.of(), doc);
    }

    /**
     * @param name camelCase option name
     * @param defaultValue used when the option is absent; non-null
     * @param doc one sentence for users
     * @return a free-text option
     */
    public static OptionSpec ofString(String name, String defaultValue, String doc) {
        return create(name, OptionType.STRING, Objects.requireNonNull(defaultValue, "defaultValue"), List.of(), doc);
    }

    /**
     * @param name camelCase option name
     * @param defaultValue used when the option is absent; one of {@code allowed}
     * @param doc one sentence for users
     * @param allowed the accepted values, non-empty, no duplicates
     * @return an option restricted to {@code allowed}
     */
    public static OptionSpec ofEnum(String name, String defaultValue, String doc, List<String> allowed) {
        List<String> values = List.copyOf(allowed);
        if (values.isEmpty() || values.stream().distinct().count() != values.size()) {
            throw new IllegalArgumentException("OptionSpec.ofEnum('" + name + "'): allowed values " + values
                    + " must be non-empty and distinct");
        }
        return create(name, OptionType.ENUM, Objects.requireNonNull(defaultValue, "defaultValue"), values, doc);
    }

    /**
     * @param lo smallest allowed value (inclusive)
     * @param hi largest allowed value (inclusive)
     * @return a copy restricted to {@code [lo, hi]}
     * @throws IllegalStateException if this option is not numeric or the default falls outside
     */
    public OptionSpec range(double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("OptionSpec.range('" + name + "'): lo " + lo + " > hi " + hi);
        }
        return bounded(lo, false, hi);
    }

    /**
     * @param lo smallest allowed value (inclusive)
     * @return a copy with that lower bound
     */
    public OptionSpec atLeast(double lo) {
        return bounded(lo, false, max);
    }

    /**
     * @param lo the allowed values are strictly greater than this
     * @return a copy with that exclusive lower bound
     */
    public OptionSpec greaterThan(double lo) {
        return bounded(lo, true, max);
    }

    /**
     * @param hi largest allowed value (inclusive)
     * @return a copy with that upper bound
     */
    public OptionSpec atMost(double hi) {
        return bounded(min, minExclusive, hi);
    }

    private OptionSpec bounded(double lo, boolean loExclusive, double hi) {
        if (type != OptionType.INT && type != OptionType.DOUBLE) {
            throw new IllegalStateException("OptionSpec '" + name + "': bounds apply to int and double options, not "
                    + type.noun() + " option");
        }
        OptionSpec spec = new OptionSpec(name, type, defaultValue, lo, loExclusive, hi, allowed, doc);
        spec.checkDefault();
        return spec;
    }

    /** @return a copy without default: the user must give a value */
    public OptionSpec required() {
        return new OptionSpec(name, type, null, min, minExclusive, max, allowed, doc);
    }

    private void checkDefault() {
        if (defaultValue != null) {
            try {
                validate("default", defaultValue);
            } catch (InvalidOptionException e) {
                throw new IllegalStateException("OptionSpec '" + name + "': default value is not allowed: "
                        + e.getMessage(), e);
            }
        }
    }

    /** @return the camelCase option name */
    public String name() {
        return name;
    }

    /** @return the value type */
    public OptionType type() {
        return type;
    }

    /** @return the default value ({@link Integer}, {@link Double}, {@link Boolean} or {@link String}); empty when required */
    public Optional<Object> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** @return true if the user must give a value */
    public boolean isRequired() {
        return defaultValue == null;
    }

    /** @return the lower bound of a numeric option, if any */
    public OptionalDouble min() {
        return min == Double.NEGATIVE_INFINITY ? OptionalDouble.empty() : OptionalDouble.of(min);
    }

    /** @return true if the lower bound is exclusive */
    public boolean isMinExclusive() {
        return minExclusive;
    }

    /** @return the upper bound of a numeric option, if any */
    public OptionalDouble max() {
        return max == Double.POSITIVE_INFINITY ? OptionalDouble.empty() : OptionalDouble.of(max);
    }

    /** @return the accepted values of an enum option; empty for other types */
    public List<String> allowedValues() {
        return allowed;
    }

    /** @return the one-sentence documentation */
    public String doc() {
        return doc;
    }

    /**
     * What values are allowed, for messages and listings, e.g. {@code "an int in [1, 4096]"},
     * {@code "a double > 0"}, {@code "one of: zeros, normal"}.
     *
     * @return a human-readable description
     */
    public String allowedDescription() {
        switch (type) {
            case ENUM:
                return "one of: " + String.join(", ", allowed);
            case INT:
            case DOUBLE:
                boolean hasMin = min != Double.NEGATIVE_INFINITY;
                boolean hasMax = max != Double.POSITIVE_INFINITY;
                if (hasMin && hasMax && !minExclusive) {
                    return type.noun() + " in [" + number(min) + ", " + number(max) + "]";
                }
                if (hasMin && hasMax) {
                    return type.noun() + " in (" + number(min) + ", " + number(max) + "]";
                }
                if (hasMin) {
                    return type.noun() + (minExclusive ? " > " : " >= ") + number(min);
                }
                if (hasMax) {
                    return type.noun() + " <= " + number(max);
                }
                return type.noun();
            default:
                return type.noun();
        }
    }

    private String number(double v) {
        return type == OptionType.INT && v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Checks one value and normalises it to this option's Java type ({@link Integer}, {@link Double},
     * {@link Boolean}, {@link String}). Integral numbers of any boxed type are accepted for int and
     * double options; nothing else is converted (use {@link #parse} for text).
     *
     * @param owner how messages name the owner of the option, e.g. {@code "provider 'cosine'"}
     * @param value the value given by the user; non-null
     * @return the normalised value
     * @throws InvalidOptionException naming the provider, option, value and what is allowed
     */
    public Object validate(String provider, Object value) {
        Objects.requireNonNull(value, "value");
        switch (type) {
            case INT: {
                long v;
                if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
                    v = ((Number) value).longValue();
                } else {
                    throw wrongType(provider, value);
                }
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE || !inRange(v)) {
                    throw outOfRange(provider, value);
                }
                return (int) v;
            }
            case DOUBLE: {
                if (!(value instanceof Number) || value instanceof java.math.BigDecimal
                        || value instanceof java.math.BigInteger) {
                    throw wrongType(provider, value);
                }
                double v = ((Number) value).doubleValue();
                if (!Double.isFinite(v) || !inRange(v)) {
                    throw outOfRange(provider, value);
                }
                return v;
            }
            case BOOLEAN:
                if (!(value instanceof Boolean)) {
                    throw wrongType(provider, value);
                }
                return value;
            case STRING:
                if (!(value instanceof String)) {
                    throw wrongType(provider, value);
                }
                return value;
            case ENUM:
                if (!(value instanceof String)) {
                    throw wrongType(provider, value);
                }
                if (!allowed.contains(value)) {
                    throw new InvalidOptionException(provider, name, prefix(provider) + " = " + render(value)
                            + " is not allowed; allowed: " + allowedDescription()
                            + Suggestions.didYouMean((String) value, allowed));
                }
                return value;
            default:
                throw new IllegalStateException("unhandled option type " + type);
        }
    }

    /**
     * Parses text (a command-line value, a properties entry) and validates it like {@link #validate}.
     *
     * @param owner how messages name the owner of the option, e.g. {@code "provider 'cosine'"}
     * @param text the text; non-null
     * @return the normalised value
     * @throws InvalidOptionException if the text does not parse or the value is not allowed
     */
    public Object parse(String provider, String text) {
        Objects.requireNonNull(text, "text");
        String t = text.trim();
        switch (type) {
            case INT:
                try {
                    return validate(provider, Long.parseLong(t));
                } catch (NumberFormatException e) {
                    throw wrongType(provider, text);
                }
            case DOUBLE:
                try {
                    return validate(provider, Double.parseDouble(t));
                } catch (NumberFormatException e) {
                    throw wrongType(provider, text);
                }
            case BOOLEAN:
                if (t.equals("true") || t.equals("false")) {
                    return Boolean.parseBoolean(t);
                }
                throw wrongType(provider, text);
            default:
                return validate(provider, text);
        }
    }

    private boolean inRange(double v) {
        boolean aboveMin = minExclusive ? v > min : v >= min;
        return aboveMin && v <= max;
    }

    private String prefix(String owner) {
        return owner + ": option '" + name + "'";
    }

    private InvalidOptionException wrongType(String provider, Object value) {
        return new InvalidOptionException(provider, name, prefix(provider) + " = " + render(value) + " ("
                + kindOf(value) + ") has the wrong type; allowed: " + allowedDescription());
    }

    private InvalidOptionException outOfRange(String provider, Object value) {
        return new InvalidOptionException(provider, name, prefix(provider) + " = " + render(value)
                + " is out of range; allowed: " + allowedDescription());
    }

    static String render(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }

    private static String kindOf(Object value) {
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return "an integer";
        }
        if (value instanceof Number) {
            return "a decimal number";
        }
        return "a " + value.getClass().getSimpleName();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OptionSpec)) {
            return false;
        }
        OptionSpec s = (OptionSpec) o;
        return name.equals(s.name) && type == s.type && Objects.equals(defaultValue, s.defaultValue)
                && min == s.min && minExclusive == s.minExclusive && max == s.max && allowed.equals(s.allowed)
                && doc.equals(s.doc);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, defaultValue, min, minExclusive, max, allowed, doc);
    }

    /** @return e.g. {@code maxDistance: an int in [1, 4096] = 32 — largest relative distance ...} */
    @Override
    public String toString() {
        return name + ": " + allowedDescription() + (defaultValue == null ? " (required)" : " = " + render(defaultValue))
                + " — " + doc;
    }
}
