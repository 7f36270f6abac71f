package dev.heed.core.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A checkpoint or metadata file is not valid: the header is too large, the JSON is malformed, a
 * dtype is unknown, offsets overlap or leave gaps, a byte length disagrees with the shape, and so on.
 *
 * <p>The message always names the file, the tensor (when one is involved) and the problem, e.g.
 * {@code model.safetensors: tensor 'w': data_offsets [0, 12] hold 12 bytes but shape [2, 2] of F32
 * needs 16}. It is an {@link IOException} so callers that already handle I/O failures handle this
 * one too; when it is thrown nothing has been loaded.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class CheckpointFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final String tensor;
    private final String problem;

    /**
     * @param file the file (or source description) being read; not null
     * @param tensor the tensor concerned, or {@code null} when the problem is not about one tensor
     * @param problem what is wrong and, where possible, what was expected; not null
     */
    public CheckpointFormatException(String file, String tensor, String problem) {
        this(file, tensor, problem, null);
    }

    /**
     * @param file the file (or source description) being read; not null
     * @param tensor the tensor concerned, or {@code null}
     * @param problem what is wrong; not null
     * @param cause the underlying exception, or {@code null}
     */
    public CheckpointFormatException(String file, String tensor, String problem, Throwable cause) {
        super(format(file, tensor, problem), cause);
        this.file = file;
        this.tensor = tensor;
        this.problem = problem;
    }

    static CheckpointFormatException of(Path file, String tensor, String problem) {
        return new CheckpointFormatException(String.valueOf(file), tensor, problem);
    }

    private static String format(String file, String tensor, String problem) {
        StringBuilder sb = new StringBuilder();
        sb.append(file).append(": ");
        if (tensor != null) {
            sb.append("tensor '").append(tensor).append("': ");
        }
        return sb.append(problem).toString();
    }

    /** @return the file or source the problem was found in */
    public String file() {
        return file;
    }

    /** @return the tensor concerned, if the problem is about one tensor */
    public Optional<String> tensor() {
        return Optional.ofNullable(tensor);
    }

    /** @return the problem description without the file and tensor prefix */
    public String problem() {
        return problem;
    }
}
