package dev.heed.core.spi;

import dev.heed.core.Suggestions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Validated option values for one provider: every declared option has a value (given or default),
 * every value has its declared type and lies within its declared range.
 *
 * <p>Immutable and thread-safe. Build with {@link #of(PluginProvider, Map)} (typed values, e.g. from
 * code or JSON), {@link #parse(PluginProvider, Map)} (text, e.g. from a command line) or
 * {@link #defaults(PluginProvider)}:
 *
 * <pre>{@code
 * Options o = Options.of(provider, Map.of("maxDistance", 64));
 * int d = o.getInt("maxDistance");
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Options {

    private final String provider;
    private final Map<String, OptionSpec> specs;
    private final Map<String, Object> values;

    private Options(String provider, Map<String, OptionSpec> specs, Map<String, Object> values) {
        this.provider = provider;
        this.specs = specs;
        this.values = values;
    }

    /**
     * @param provider the provider whose declared options apply
     * @return every option at its default
     * @throws InvalidOptionException if the provider declares a required option
     */
    public static Options defaults(PluginProvider<?> provider) {
        return of(provider, Map.of());
    }

    /**
     * Validates typed values against the provider's declared options.
     *
     * @param provider the provider whose declared options apply
     * @param given option name to value; absent options take their defaults (a null value is an error)
     * @return the validated options
     * @throws InvalidOptionException for an unknown name (listing the accepted ones), a missing
     *     required option, or a value of the wrong type or out of range
     */
    public static Options of(PluginProvider<?> provider, Map<String, ?> given) {
        return validate(label(provider), provider.options(), given, false);
    }

    /**
     * Like {@link #of(PluginProvider, Map)} for text values, which are parsed to the option's type.
     *
     * @param provider the provider whose declared options apply
     * @param given option name to text
     * @return the validated options
     * @throws InvalidOptionException as {@link #of(PluginProvider, Map)}, or when text does not parse
     */
    public static Options parse(PluginProvider<?> provider, Map<String, String> given) {
        return validate(label(provider), provider.options(), given, true);
    }

    /**
     * Validates values against an explicit list of specs. Used for providers and for the plain
     * options of stack-spec sections.
     *
     * @param owner how messages name the owner, e.g. {@code "provider 'cosine'"} or
     *     {@code "section 'attention'"}
     * @param declared the option specs; names must be unique
     * @param given option name to value (typed)
     * @return the validated options
     * @throws InvalidOptionException as {@link #of(PluginProvider, Map)}
     */
    public static Options validate(String owner, List<OptionSpec> declared, Map<String, ?> given) {
        return validate(owner, declared, given, false);
    }

    private static String label(PluginProvider<?> provider) {
        return "provider '" + provider.name() + "'";
    }

    private static Options validate(String owner, List<OptionSpec> declared, Map<String, ?> given, boolean text) {
        Objects.requireNonNull(owner, "owner");
        Map<String, OptionSpec> specs = new LinkedHashMap<>();
        for (OptionSpec s : declared) {
            if (specs.put(s.name(), s) != null) {
                throw new IllegalStateException(owner + " declares option '" + s.name()
                        + "' twice; option names must be unique");
            }
        }
        for (String key : given.keySet()) {
            if (!specs.containsKey(key)) {
                throw new InvalidOptionException(owner, key, owner + ": unknown option '" + key
                        + "'; accepted options: " + (specs.isEmpty() ? "none" : String.join(", ", specs.keySet()))
                        + Suggestions.didYouMean(key, specs.keySet()));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (OptionSpec s : specs.values()) {
            Object raw = given.get(s.name());
            if (raw == null && given.containsKey(s.name())) {
                throw new InvalidOptionException(owner, s.name(), owner + ": option '" + s.name()
                        + "' = null; allowed: " + s.allowedDescription() + " (omit the option to use its default)");
            }
            if (raw == null) {
                if (s.isRequired()) {
                    throw new InvalidOptionException(owner, s.name(), owner + ": option '" + s.name()
                            + "' is required; allowed: " + s.allowedDescription() + " (" + s.doc() + ")");
                }
                values.put(s.name(), s.defaultValue().orElseThrow());
            } else if (text) {
                values.put(s.name(), s.parse(owner, (String) raw));
            } else {
                values.put(s.name(), s.validate(owner, raw));
            }
        }
        return new Options(owner, Collections.unmodifiableMap(specs), Collections.unmodifiableMap(values));
    }

    /** @return how messages name the owner of these options, e.g. {@code "provider 'cosine'"} */
    public String owner() {
        return provider;
    }

    /** @return the declared specs in declaration order */
    public List<OptionSpec> specs() {
        return new ArrayList<>(specs.values());
    }

    /** @return option name to normalised value, in declaration order; unmodifiable */
    public Map<String, Object> asMap() {
        return values;
    }

    /**
     * @param name a declared option
     * @return its value ({@link Integer}, {@link Double}, {@link Boolean} or {@link String})
     * @throws IllegalArgumentException if the option is not declared
     */
    public Object get(String name) {
        spec(name);
        return values.get(name);
    }

    /**
     * @param name a declared int option
     * @return its value
     * @throws IllegalArgumentException if the option is not declared or not an int option
     */
    public int getInt(String name) {
        return (Integer) typed(name, OptionType.INT);
    }

    /**
     * @param name a declared double option
     * @return its value
     * @throws IllegalArgumentException if the option is not declared or not a double option
     */
    public double getDouble(String name) {
        return (Double) typed(name, OptionType.DOUBLE);
    }

    /**
     * @param name a declared boolean option
     * @return its value
     * @throws IllegalArgumentException if the option is not declared or not a boolean option
     */
    public boolean getBoolean(String name) {
        return (Boolean) typed(name, OptionType.BOOLEAN);
    }

    /**
     * @param name a declared string or enum option
     * @return its value
     * @throws IllegalArgumentException if the option is not declared or not a string or enum option
     */
    public String getString(String name) {
        OptionSpec s = spec(name);
        if (s.type() != OptionType.STRING && s.type() != OptionType.ENUM) {
            throw wrongAccessor(s, "getString");
        }
        return (String) values.get(name);
    }

    /**
     * Maps an enum option's kebab-case value to a Java enum constant: {@code "relative-bias"} to
     * {@code RELATIVE_BIAS}.
     *
     * @param name a declared enum option
     * @param type the Java enum whose constants mirror the allowed values
     * @param <E> the enum type
     * @return the constant
     * @throws IllegalArgumentException if the option is not an enum option or has no such constant
     */
    public <E extends Enum<E>> E getEnum(String name, Class<E> type) {
        String v = (String) typed(name, OptionType.ENUM);
        String constant = v.replace('-', '_').toUpperCase(Locale.ROOT);
        try {
            return Enum.valueOf(type, constant);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(provider + ": option '" + name + "' = \"" + v
                    + "\" has no constant " + constant + " in " + type.getName()
                    + "; the enum must mirror the allowed values", e);
        }
    }

    private Object typed(String name, OptionType type) {
        OptionSpec s = spec(name);
        if (s.type() != type) {
            throw wrongAccessor(s, "get" + type.name().charAt(0) + type.name().substring(1).toLowerCase(Locale.ROOT));
        }
        return values.get(name);
    }

    private IllegalArgumentException wrongAccessor(OptionSpec s, String accessor) {
        return new IllegalArgumentException(provider + ": option '" + s.name() + "' has type "
                + s.type().name().toLowerCase(Locale.ROOT) + ", so " + accessor + " cannot read it");
    }

    private OptionSpec spec(String name) {
        OptionSpec s = specs.get(name);
        if (s == null) {
            throw new IllegalArgumentException(provider + " declares no option '" + name
                    + "'; declared: " + (specs.isEmpty() ? "none" : String.join(", ", specs.keySet()))
                    + Suggestions.didYouMean(name, specs.keySet()));
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Options && provider.equals(((Options) o).provider) && values.equals(((Options) o).values);
    }

    @Override
    public int hashCode() {
        return provider.hashCode() * 31 + values.hashCode();
    }

    /** @return e.g. {@code provider 'relative-bias' {maxDistance=32}} */
    @Override
    public String toString() {
        return provider + " " + values;
    }
}
