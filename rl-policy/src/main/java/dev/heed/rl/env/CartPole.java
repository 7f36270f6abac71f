package dev.heed.rl.env;

import dev.heed.core.Rng;
import org.apiguardian.api.API;

/**
 * Gymnasium's {@code CartPoleEnv} (classic cart-pole of Barto, Sutton and Anderson), without the time
 * limit; {@code Envs.make("CartPole-v1")} adds the 500-step {@code TimeLimit}.
 *
 * <p>State {@code [x, x_dot, theta, theta_dot]} in float64; observation the same values rounded to
 * float32 (Gymnasium returns {@code float32}). Actions {@code Discrete(2)}: 0 pushes left with 10 N,
 * 1 pushes right. Dynamics: gravity 9.8, cart mass 1.0, pole mass 0.1, half pole length 0.5,
 * τ = 0.02 s, explicit Euler (positions use the old velocities). Terminates when
 * {@code x < -2.4 || x > 2.4 || θ < -12° || θ > 12°} (strict, θ limit {@code 12·2π/360});
 * reward 1.0 on every step including the terminating one. Reset draws all four state values
 * uniformly from {@code [-0.05, 0.05)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class CartPole extends SimulatorEnv {

    /** Gravity, m/s². */
    public static final double GRAVITY = 9.8;
    /** Cart mass, kg. */
    public static final double MASS_CART = 1.0;
    /** Pole mass, kg. */
    public static final double MASS_POLE = 0.1;
    /** Half the pole's length, m. */
    public static final double LENGTH = 0.5;
    /** Force magnitude, N. */
    public static final double FORCE_MAG = 10.0;
    /** Time step, s. */
    public static final double TAU = 0.02;
    /** Cart position limit. */
    public static final double X_THRESHOLD = 2.4;
    /** Pole angle limit, 12 degrees in radians. */
    public static final double THETA_THRESHOLD_RADIANS = 12 * 2 * Math.PI / 360;

    private static final double TOTAL_MASS = MASS_POLE + MASS_CART;
    private static final double POLEMASS_LENGTH = MASS_POLE * LENGTH;

    private double x;
    private double xDot;
    private double theta;
    private double thetaDot;

    /** Creates the env; call {@link #reset(long)} before stepping. */
    public CartPole() {
        super("CartPole-v1", observationBox(), new Discrete(2), 4);
    }

    private static Box observationBox() {
        double[] high = {(float) (X_THRESHOLD * 2), Double.POSITIVE_INFINITY, (float) (THETA_THRESHOLD_RADIANS * 2),
            Double.POSITIVE_INFINITY};
        double[] low = new double[4];
        for (int i = 0; i < 4; i++) {
            low[i] = -high[i];
        }
        return Box.of(low, high);
    }

    @Override
    protected Step advance(double[] action) {
        double force = action[0] == 1 ? FORCE_MAG : -FORCE_MAG;
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sin) / TOTAL_MASS;
        double thetaAcc = (GRAVITY * sin - cos * temp)
                / (LENGTH * (4.0 / 3.0 - MASS_POLE * (cos * cos) / TOTAL_MASS));
        double xAcc = temp - POLEMASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
        x = x + TAU * xDot;
        xDot = xDot + TAU * xAcc;
        theta = theta + TAU * thetaDot;
        thetaDot = thetaDot + TAU * thetaAcc;
        boolean terminated = x < -X_THRESHOLD || x > X_THRESHOLD
                || theta < -THETA_THRESHOLD_RADIANS || theta > THETA_THRESHOLD_RADIANS;
        return new Step(observation(), 1.0, terminated, false);
    }

    @Override
    protected double[] observation() {
        return new double[] {f32(x), f32(xDot), f32(theta), f32(thetaDot)};
    }

    @Override
    protected double[] sampleInitialState(Rng rng) {
        return new double[] {rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05),
            rng.uniform(-0.05, 0.05)};
    }

    @Override
    protected void loadState(double[] s) {
        x = s[0];
        xDot = s[1];
        theta = s[2];
        thetaDot = s[3];
    }

    @Override
    protected double[] currentState() {
        return new double[] {x, xDot, theta, thetaDot};
    }

    @Override
    protected String stateLayout() {
        return "[x, x_dot, theta, theta_dot]";
    }
}
