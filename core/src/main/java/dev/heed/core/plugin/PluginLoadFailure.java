package dev.heed.core.plugin;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A provider that was listed for discovery but could not be used: its class was missing or not a
 * subtype, its constructor threw, or it broke the provider contract (e.g. a name that is not
 * kebab-case). The other providers of the same kind stay usable.
 *
 * @param kind the plugin kind, e.g. {@code "similarity"}
 * @param className the provider class as listed, or {@code "?"} if it could not be determined
 * @param location the jar or directory that listed or defined it, or {@code "?"}
 * @param message what went wrong, one line
 * @param cause the underlying error, may be null
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record PluginLoadFailure(String kind, String className, String location, String message, Throwable cause) {

    /** Checks the non-null components. */
    public PluginLoadFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(message, "message");
    }

    /** @return one line for logs and {@code heed plugins}, naming the class, the jar and the cause */
    public String describe() {
        return kind + " provider " + className + " (from " + location + ") failed to load: " + message;
    }
}
