package dev.heed.cli.support;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Bad input that the user can fix: an unknown name, an unusable output directory, an unreadable
 * file. The {@code heed} command prints it as one line, {@code <command>: <problem> — <fix>}, and
 * exits with {@link ErrorHandlers#EXIT_BAD_INPUT}; no stack trace unless {@code --verbose}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class UserInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String problem;
    private final String fix;

    /**
     * @param problem what is wrong, naming the offending value; not null
     * @param fix what the user should do instead; not null
     */
    public UserInputException(String problem, String fix) {
        this(problem, fix, null);
    }

    /**
     * @param problem what is wrong, naming the offending value; not null
     * @param fix what the user should do instead; not null
     * @param cause the underlying exception, shown with {@code --verbose}; may be null
     */
    public UserInputException(String problem, String fix, Throwable cause) {
        super(Objects.requireNonNull(problem, "problem") + " — " + Objects.requireNonNull(fix, "fix"), cause);
        this.problem = problem;
        this.fix = fix;
    }

    /** @return what is wrong */
    public String problem() {
        return problem;
    }

    /** @return how to fix it */
    public String fix() {
        return fix;
    }
}
