package dev.heed.core.plugin;

import java.util.List;
import org.apiguardian.api.API;

/**
 * Two or more providers of one kind claim the same name and none is pinned. Heed never picks a
 * silent winner: the message names every class with its jar and shows how to pin one with
 * {@link PluginRegistry#pin(String, String)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public class PluginConflictException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String kind;
    private final String name;
    private final transient List<String> classNames;

    /**
     * @param kind the plugin kind
     * @param name the contested name
     * @param classNames the competing implementation classes
     * @param message the full message
     */
    public PluginConflictException(String kind, String name, List<String> classNames, String message) {
        super(message);
        this.kind = kind;
        this.name = name;
        this.classNames = List.copyOf(classNames);
    }

    /** @return the plugin kind, e.g. {@code "similarity"} */
    public String kind() {
        return kind;
    }

    /** @return the contested name */
    public String name() {
        return name;
    }

    /** @return the competing implementation classes */
    public List<String> classNames() {
        return classNames;
    }
}
