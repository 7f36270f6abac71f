package dev.heed.rl.env;

import dev.heed.core.Suggestions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * The built-in environments by Gymnasium id, with Gymnasium's time limits:
 *
 * <table>
 * <caption>Built-in environments</caption>
 * <tr><th>id</th><th>observation</th><th>action</th><th>time limit</th><th>solved at</th></tr>
 * <tr><td>CartPole-v1</td><td>Box(4)</td><td>Discrete(2)</td><td>500</td><td>475</td></tr>
 * <tr><td>Acrobot-v1</td><td>Box(6)</td><td>Discrete(3)</td><td>500</td><td>-100</td></tr>
 * <tr><td>Pendulum-v1</td><td>Box(3)</td><td>Box(1) in [-2, 2]</td><td>200</td><td>—</td></tr>
 * <tr><td>MountainCarContinuous-v0</td><td>Box(2)</td><td>Box(1) in [-1, 1]</td><td>999</td><td>90</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe; every {@link #make(String)} returns a new env.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Envs {

    private static final Map<String, Entry> REGISTRY = registry();

    private static Map<String, Entry> registry() {
        Map<String, Entry> r = new LinkedHashMap<>();
        r.put("CartPole-v1", new Entry(new EnvSpec("CartPole-v1", 500, 475.0), CartPole::new));
        r.put("Acrobot-v1", new Entry(new EnvSpec("Acrobot-v1", 500, -100.0), Acrobot::new));
        r.put("Pendulum-v1", new Entry(new EnvSpec("Pendulum-v1", 200, Double.NaN), Pendulum::new));
        r.put("MountainCarContinuous-v0",
                new Entry(new EnvSpec("MountainCarContinuous-v0", 999, 90.0), MountainCarContinuous::new));
        return Collections.unmodifiableMap(r);
    }

    private record Entry(EnvSpec spec, Supplier<SimulatorEnv> factory) {}

    private Envs() {}

    /** @return the ids of the built-in envs, in a fixed order */
    public static List<String> ids() {
        return new ArrayList<>(REGISTRY.keySet());
    }

    /**
     * @param id a built-in id
     * @return its registration data
     * @throws IllegalArgumentException for an unknown id (the message lists the ids)
     */
    public static EnvSpec spec(String id) {
        return entry(id).spec();
    }

    /**
     * Creates a built-in env wrapped in its {@link TimeLimit}.
     *
     * @param id a built-in id, e.g. {@code "CartPole-v1"}
     * @return a new env; call {@code reset(seed)} before stepping
     * @throws IllegalArgumentException for an unknown id (the message lists the ids and the closest one)
     */
    public static TimeLimit make(String id) {
        Entry e = entry(id);
        return new TimeLimit(e.factory().get(), e.spec().maxEpisodeSteps());
    }

    /**
     * Creates a built-in env without its time limit (the raw simulator).
     *
     * @param id a built-in id
     * @return a new env
     * @throws IllegalArgumentException for an unknown id
     */
    public static SimulatorEnv makeUnlimited(String id) {
        return entry(id).factory().get();
    }

    private static Entry entry(String id) {
        Entry e = id == null ? null : REGISTRY.get(id);
        if (e == null) {
            throw new IllegalArgumentException("Envs.make: unknown env id '" + id + "'; available: "
                    + String.join(", ", REGISTRY.keySet()) + closest(id));
        }
        return e;
    }

    private static String closest(String id) {
        if (id == null) {
            return "";
        }
        return Suggestions.closest(id, REGISTRY.keySet()).map(b -> "; did you mean " + b + "?").orElse("");
    }


}
