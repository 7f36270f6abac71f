package dev.heed.rl.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.rl.env.CartPole;
import dev.heed.rl.env.Envs;
import dev.heed.rl.env.Pendulum;
import dev.heed.rl.env.TimeLimit;
import dev.heed.rl.vec.SyncVectorEnv;
import dev.heed.rl.vec.ThreadedVectorEnv;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Golden-file tests of the environment errors ({@code HEED-ENV-*} in docs/errors.md): expected
 * text in {@code src/test/resources/dev/heed/rl/errors/<id>.txt}; {@code -Dheed.golden.update=true}
 * rewrites the files after a deliberate wording change.
 */
class EnvErrorCatalogueTest {

    private static final String DIR = "dev/heed/rl/errors/";

    private record Case(String id, Class<? extends Throwable> type, Executable call) {}

    private static List<Case> all() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("HEED-ENV-001", IllegalArgumentException.class, () -> Envs.make("CartPole-v2")));
        c.add(new Case("HEED-ENV-002", IllegalStateException.class, () -> new CartPole().step(new double[] {1})));
        c.add(new Case("HEED-ENV-003", IllegalStateException.class, () -> {
            TimeLimit env = new TimeLimit(new CartPole(), 1);
            env.reset(1);
            env.step(new double[] {0});
            env.step(new double[] {0});
        }));
        c.add(new Case("HEED-ENV-004", IllegalArgumentException.class, () -> {
            CartPole env = new CartPole();
            env.reset(1);
            env.step(new double[] {2});
        }));
        c.add(new Case("HEED-ENV-005", IllegalArgumentException.class, () -> {
            Pendulum env = new Pendulum();
            env.reset(1);
            env.step(new double[] {Double.NaN});
        }));
        c.add(new Case("HEED-ENV-006", IllegalArgumentException.class, () -> {
            Pendulum env = new Pendulum();
            env.reset(1);
            env.step(new double[] {3.5});
        }));
        c.add(new Case("HEED-ENV-007", IllegalArgumentException.class, () -> {
            try (SyncVectorEnv v = new SyncVectorEnv(3, i -> Envs.make("CartPole-v1"))) {
                v.reset(1);
                v.step(new double[][] {{0}, {1}});
            }
        }));
        c.add(new Case("HEED-ENV-008", IllegalArgumentException.class,
                () -> new ThreadedVectorEnv(2, i -> Envs.make("CartPole-v1"), 3).close()));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyMessageMatchesItsGoldenFile() {
        return all().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            String actual = assertThrows(c.type(), c.call()).getMessage();
            if (Boolean.getBoolean("heed.golden.update")) {
                Path file = Path.of("src/test/resources", DIR, c.id() + ".txt");
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual + "\n");
                return;
            }
            assertEquals(read(c.id()), actual, c.id());
        }));
    }

    @Test
    void everyIdIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "errors.md"));
        for (Case c : all()) {
            assertTrue(doc.contains("### " + c.id()), c.id() + " has no section in docs/errors.md");
        }
    }

    private static String read(String id) {
        try (InputStream in = EnvErrorCatalogueTest.class.getResourceAsStream("/" + DIR + id + ".txt")) {
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
