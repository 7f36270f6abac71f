package dev.heed.core.plugin;

import dev.heed.core.spi.OptionSpec;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One discovered provider as {@code heed plugins} lists it.
 *
 * @param kind the plugin kind, e.g. {@code "similarity"}
 * @param name the provider's kebab-case name
 * @param description its one-line description
 * @param className the implementation class
 * @param location the jar or directory the class was loaded from
 * @param options the options it declares
 * @param status whether it can be selected by its name
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record PluginInfo(String kind, String name, String description, String className, String location,
                         List<OptionSpec> options, Status status) {

    /** Copies the option list and checks the non-null components. */
    public PluginInfo {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(location, "location");
        options = List.copyOf(options);
        Objects.requireNonNull(status, "status");
    }

    /** Whether a provider is selectable by its name. */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    public enum Status {
        /** The only provider with its name. */
        ACTIVE,
        /** Shares its name with another provider and the user pinned this one. */
        PINNED,
        /** Shares its name with another provider and the user pinned the other one. */
        SHADOWED,
        /** Shares its name with another provider and nothing is pinned: selecting the name fails. */
        CONFLICT
    }
}
