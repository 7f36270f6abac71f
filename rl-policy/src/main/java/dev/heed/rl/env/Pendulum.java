package dev.heed.rl.env;

import dev.heed.core.Rng;
import org.apiguardian.api.API;

/**
 * Gymnasium's {@code PendulumEnv} (swing-up), without the time limit; {@code Envs.make("Pendulum-v1")}
 * adds the 200-step {@code TimeLimit}. Never terminates.
 *
 * <p>State {@code [theta, theta_dot]} in float64 (θ = 0 upright; θ is not wrapped in the state).
 * Observation {@code [cos θ, sin θ, θ̇]} rounded to float32. Action {@code Box([-2], [2])}: torque.
 * One step, with g = 10, m = l = 1, dt = 0.05: {@code u = clip(a, -2, 2)}; reward
 * {@code -(norm(θ)² + 0.1·θ̇² + 0.001·u²)} from the <em>pre-step</em> state, where
 * {@code norm(θ) = floorMod(θ + π, 2π) - π}; then {@code θ̇' = clip(θ̇ + (15·sin θ + 3·u)·dt, -8, 8)}
 * and {@code θ' = θ + θ̇'·dt} (the new velocity moves θ). Reset: θ uniform in {@code [-π, π)}, θ̇
 * uniform in {@code [-1, 1)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Pendulum extends SimulatorEnv {

    /** Maximum angular speed. */
    public static final double MAX_SPEED = 8;
    /** Maximum torque. */
    public static final double MAX_TORQUE = 2.0;
    /** Time step, s. */
    public static final double DT = 0.05;
    /** Gravity. */
    public static final double G = 10.0;
    /** Mass. */
    public static final double M = 1.0;
    /** Length. */
    public static final double L = 1.0;

    private double theta;
    private double thetaDot;

    /** Creates the env; call {@link #reset(long)} before stepping. */
    public Pendulum() {
        super("Pendulum-v1", Box.of(new double[] {-1, -1, -MAX_SPEED}, new double[] {1, 1, MAX_SPEED}),
                Box.of(new double[] {-MAX_TORQUE}, new double[] {MAX_TORQUE}), 2);
    }

    /**
     * Gymnasium's {@code angle_normalize}: {@code ((x + π) mod 2π) - π} with a floor (Python) modulo,
     * unlike Java's truncating {@code %}.
     *
     * @param x an angle
     * @return the angle mapped to {@code [-π, π)}
     */
    public static double angleNormalize(double x) {
        return floorMod(x + Math.PI, 2 * Math.PI) - Math.PI;
    }

    /**
     * Floor modulo for doubles, as NumPy's and Python's {@code %}: the result has the divisor's sign.
     *
     * @param a dividend
     * @param b divisor
     * @return {@code a - b·floor(a/b)}, computed exactly through {@code fmod}
     */
    public static double floorMod(double a, double b) {
        double r = a % b;
        if (r != 0) {
            if ((b < 0) != (r < 0)) {
                r += b;
            }
        } else {
            r = Math.copySign(0.0, b);
        }
        return r;
    }

    @Override
    protected Step advance(double[] action) {
        double u = Math.min(Math.max(action[0], -MAX_TORQUE), MAX_TORQUE);
        double an = angleNormalize(theta);
        double costs = an * an + 0.1 * (thetaDot * thetaDot) + 0.001 * (u * u);
        double newThetaDot = thetaDot + (3 * G / (2 * L) * Math.sin(theta) + 3.0 / (M * (L * L)) * u) * DT;
        newThetaDot = Math.min(Math.max(newThetaDot, -MAX_SPEED), MAX_SPEED);
        theta = theta + newThetaDot * DT;
        thetaDot = newThetaDot;
        return new Step(observation(), -costs, false, false);
    }

    @Override
    protected double[] observation() {
        return new double[] {f32(Math.cos(theta)), f32(Math.sin(theta)), f32(thetaDot)};
    }

    @Override
    protected double[] sampleInitialState(Rng rng) {
        return new double[] {rng.uniform(-Math.PI, Math.PI), rng.uniform(-1.0, 1.0)};
    }

    @Override
    protected void loadState(double[] s) {
        theta = s[0];
        thetaDot = s[1];
    }

    @Override
    protected double[] currentState() {
        return new double[] {theta, thetaDot};
    }

    @Override
    protected String stateLayout() {
        return "[theta, theta_dot]";
    }
}
