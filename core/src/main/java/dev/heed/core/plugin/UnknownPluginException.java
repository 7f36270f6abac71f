package dev.heed.core.plugin;

import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * No provider of the requested kind has the requested name. The message lists the available
 * names and the closest match, e.g. {@code unknown similarity provider 'cosin'; available:
 * cosine, dot, scaled-dot; did you mean 'cosine'?}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public class UnknownPluginException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String name;
    private final transient List<String> available;
    private final String closest;

    /**
     * @param kind the plugin kind
     * @param name the requested name
     * @param available the names on offer
     * @param closest the closest available name, or null
     * @param message the full message
     */
    public UnknownPluginException(String kind, String name, List<String> available, String closest, String message) {
        super(message);
        this.kind = kind;
        this.name = name;
        this.available = List.copyOf(available);
        this.closest = closest;
    }

    /** @return the plugin kind, e.g. {@code "similarity"} */
    public String kind() {
        return kind;
    }

    /** @return the name that was not found */
    public String name() {
        return name;
    }

    /** @return the names on offer, sorted */
    public List<String> available() {
        return available;
    }

    /** @return the closest available name, if one is plausibly a typo of {@link #name()} */
    public Optional<String> closest() {
        return Optional.ofNullable(closest);
    }
}
