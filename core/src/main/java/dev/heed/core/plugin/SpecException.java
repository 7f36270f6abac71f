package dev.heed.core.plugin;

import org.apiguardian.api.API;

/**
 * A stack spec is malformed or names something that does not fit: the message starts with the
 * JSON path of the offending value, e.g.
 * {@code $.attention.positional.maxDistance: provider 'relative-bias': option 'maxDistance' = 0 is
 * out of range; allowed: an int in [1, 4096]}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public class SpecException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String path;

    /**
     * @param path the JSON path of the offending value, e.g. {@code $.attention.heads}
     * @param problem what is wrong and what is allowed
     * @param cause the underlying error, may be null
     */
    public SpecException(String path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
        this.path = path;
    }

    /** @return the JSON path of the offending value */
    public String path() {
        return path;
    }
}
