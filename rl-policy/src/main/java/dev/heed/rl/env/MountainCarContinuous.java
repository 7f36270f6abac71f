package dev.heed.rl.env;

import dev.heed.core.Rng;
import org.apiguardian.api.API;

/**
 * Gymnasium's {@code Continuous_MountainCarEnv}, without the time limit;
 * {@code Envs.make("MountainCarContinuous-v0")} adds the 999-step {@code TimeLimit}.
 *
 * <p>State {@code [position, velocity]}. One step, in float64: {@code f = clip(a, -1, 1)};
 * {@code v += f·0.0015 - 0.0025·cos(3·p)}, clipped to ±0.07; {@code p += v}, clipped to
 * {@code [-1.2, 0.6]}; at the left wall a negative velocity becomes 0. Terminates when
 * {@code p >= 0.45 && v >= 0} (non-strict). Reward {@code 100·[terminated] - 0.1·a²} with the
 * <em>unclipped</em> action {@code a}. The state is then stored rounded to float32 (as Gymnasium
 * stores {@code np.float32}); the reset state {@code [U[-0.6, -0.4), 0]} is kept in float64 until
 * the first step. Observation: the state rounded to float32.
 *
 * <p>Under NumPy ≥ 2 Gymnasium evaluates the velocity update in float32 when the action array is
 * float32 (NEP 50 promotion); with a float64 action, or under NumPy 1.x, it is float64 as here.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class MountainCarContinuous extends SimulatorEnv {

    /** Minimum position. */
    public static final double MIN_POSITION = -1.2;
    /** Maximum position. */
    public static final double MAX_POSITION = 0.6;
    /** Maximum speed. */
    public static final double MAX_SPEED = 0.07;
    /** Goal position. */
    public static final double GOAL_POSITION = 0.45;
    /** Engine power. */
    public static final double POWER = 0.0015;

    private double position;
    private double velocity;

    /** Creates the env; call {@link #reset(long)} before stepping. */
    public MountainCarContinuous() {
        super("MountainCarContinuous-v0",
                Box.of(new double[] {(float) MIN_POSITION, (float) -MAX_SPEED},
                        new double[] {(float) MAX_POSITION, (float) MAX_SPEED}),
                Box.of(new double[] {-1.0}, new double[] {1.0}), 2);
    }

    @Override
    protected Step advance(double[] action) {
        double a = action[0];
        double force = Math.min(Math.max(a, -1.0), 1.0);
        double p = position;
        double v = velocity;
        v += force * POWER - 0.0025 * Math.cos(3 * p);
        if (v > MAX_SPEED) {
            v = MAX_SPEED;
        }
        if (v < -MAX_SPEED) {
            v = -MAX_SPEED;
        }
        p += v;
        if (p > MAX_POSITION) {
            p = MAX_POSITION;
        }
        if (p < MIN_POSITION) {
            p = MIN_POSITION;
        }
        if (p == MIN_POSITION && v < 0) {
            v = 0;
        }
        boolean terminated = p >= GOAL_POSITION && v >= 0;
        double reward = terminated ? 100.0 : 0.0;
        reward -= (a * a) * 0.1;
        position = f32(p);
        velocity = f32(v);
        return new Step(observation(), reward, terminated, false);
    }

    @Override
    protected double[] observation() {
        return new double[] {f32(position), f32(velocity)};
    }

    @Override
    protected double[] sampleInitialState(Rng rng) {
        return new double[] {rng.uniform(-0.6, -0.4), 0.0};
    }

    @Override
    protected void loadState(double[] s) {
        position = s[0];
        velocity = s[1];
    }

    @Override
    protected double[] currentState() {
        return new double[] {position, velocity};
    }

    @Override
    protected String stateLayout() {
        return "[position, velocity]";
    }
}
