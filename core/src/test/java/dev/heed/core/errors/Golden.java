package dev.heed.core.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden-file comparison of user-facing error messages: the expected text of error {@code id} is
 * {@code src/test/resources/dev/heed/core/errors/<id>.txt}. Machine-dependent parts (stack frames,
 * jar locations) are replaced by placeholders before comparing. Run with
 * {@code -Dheed.golden.update=true} to rewrite the files after a deliberate wording change, then
 * review the diff.
 */
final class Golden {

    static final String DIR = "dev/heed/core/errors/";

    private Golden() {}

    static String normalise(String message) {
        return message
                .replaceAll("created at .*?\\)\\. ", "created at <frames>. ")
                .replaceAll("\\(from [^)]*\\)", "(from <location>)")
                .replaceAll("[^\\s(]*heed-errors[0-9]+[/\\\\]", "<dir>/");
    }

    static void check(String id, Throwable error) {
        String actual = normalise(error.getMessage());
        if (Boolean.getBoolean("heed.golden.update")) {
            try {
                Path file = Path.of("src/test/resources", DIR, id + ".txt");
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        assertEquals(read(id), actual, id + " (" + error.getClass().getSimpleName() + ")");
    }

    static String read(String id) {
        try (InputStream in = Golden.class.getResourceAsStream("/" + DIR + id + ".txt")) {
            if (in == null) {
                throw new AssertionError("no golden file " + DIR + id + ".txt; run with -Dheed.golden.update=true");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
