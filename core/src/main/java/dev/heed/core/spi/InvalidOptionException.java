package dev.heed.core.spi;

import org.apiguardian.api.API;

/**
 * A provider option was unknown, missing, of the wrong type or outside what the provider allows.
 * The message names the provider, the option, the offending value and what is allowed, e.g.
 * {@code provider 'relative-bias': option 'maxDistance' = 0 is out of range; allowed: an int in
 * [1, 4096]}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public class InvalidOptionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String owner;
    private final String option;

    /**
     * @param owner how the message names the option's owner, e.g. {@code "provider 'cosine'"}
     * @param option the option's name as written by the user
     * @param message the full message
     */
    public InvalidOptionException(String owner, String option, String message) {
        super(message);
        this.owner = owner;
        this.option = option;
    }

    /** @return how the message names the option's owner, e.g. {@code "provider 'cosine'"} */
    public String owner() {
        return owner;
    }

    /** @return the option name as the user wrote it */
    public String option() {
        return option;
    }
}
