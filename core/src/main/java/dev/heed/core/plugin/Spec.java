package dev.heed.core.plugin;

import dev.heed.core.spi.Options;
import dev.heed.core.spi.PluginProvider;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * One validated object of a stack spec: its plain options, the providers it selects and its
 * nested sections. Produced by {@link SpecSchema#parse(String)}; immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Spec {

    private final String path;
    private final Options options;
    private final Map<String, ProviderChoice<?>> providers;
    private final Map<String, Spec> sections;

    Spec(String path, Options options, Map<String, ProviderChoice<?>> providers, Map<String, Spec> sections) {
        this.path = path;
        this.options = options;
        this.providers = Map.copyOf(providers);
        this.sections = Map.copyOf(sections);
    }

    /** @return the JSON path of this object, {@code $} for the document root */
    public String path() {
        return path;
    }

    /** @return the plain options declared with {@link SpecSchema.Builder#option}, defaults filled in */
    public Options options() {
        return options;
    }

    /**
     * @param key a provider slot declared with {@link SpecSchema.Builder#provider}
     * @param type the slot's provider interface
     * @param <P> the provider interface
     * @return the chosen provider and its options
     * @throws IllegalArgumentException if the schema declares no such slot or it holds another kind
     */
    public <P extends PluginProvider<?>> ProviderChoice<P> provider(String key, Class<P> type) {
        ProviderChoice<?> c = providers.get(key);
        if (c == null) {
            throw new IllegalArgumentException("spec " + path + " has no provider slot '" + key + "'; slots: "
                    + new java.util.TreeSet<>(providers.keySet()));
        }
        if (!type.isInstance(c.provider())) {
            throw new IllegalArgumentException("spec " + path + "." + key + " holds a " + c.provider().getClass().getName()
                    + ", not a " + type.getName());
        }
        @SuppressWarnings("unchecked") // checked by isInstance above; P's type arguments are not reified
        ProviderChoice<P> typed = (ProviderChoice<P>) c;
        return typed;
    }

    /**
     * @param key a section declared with {@link SpecSchema.Builder#section}
     * @return the validated section (from defaults if the document omitted it)
     * @throws IllegalArgumentException if the schema declares no such section
     */
    public Spec section(String key) {
        Spec s = sections.get(key);
        if (s == null) {
            throw new IllegalArgumentException("spec " + path + " has no section '" + key + "'; sections: "
                    + new java.util.TreeSet<>(sections.keySet()));
        }
        return s;
    }

    @Override
    public String toString() {
        return "Spec" + path + "{options=" + options.asMap() + ", providers=" + providers + ", sections=" + sections + "}";
    }
}
