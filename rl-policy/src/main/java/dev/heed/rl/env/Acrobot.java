package dev.heed.rl.env;

import dev.heed.core.Rng;
import org.apiguardian.api.API;

/**
 * Gymnasium's {@code AcrobotEnv} (two-link underactuated pendulum, Sutton and Barto's "book"
 * dynamics, Gymnasium's default), without the time limit; {@code Envs.make("Acrobot-v1")} adds the
 * 500-step {@code TimeLimit}.
 *
 * <p>State {@code [theta1, theta2, dtheta1, dtheta2]}; observation
 * {@code [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]} rounded to float32. Actions {@code Discrete(3)}:
 * torque −1, 0, +1 on the joint between the links. One step integrates the equations of motion with a
 * single classical Runge–Kutta-4 step of dt = 0.2 s over the state augmented by the torque (whose
 * derivative is 0), exactly as Gymnasium's {@code rk4}; then wraps θ1, θ2 into {@code [-π, π]}
 * (by adding/subtracting 2π) and clips θ̇1 to ±4π, θ̇2 to ±9π. Terminates when
 * {@code -cos θ1 - cos(θ1 + θ2) > 1} (strict); reward −1 per step, 0 on the terminating step.
 * Link masses and lengths 1, centres of mass at 0.5, moments of inertia 1, g = 9.8, no torque noise.
 * Reset: four values uniform in {@code [-0.1, 0.1)}, stored rounded to float32 (as Gymnasium does).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class Acrobot extends SimulatorEnv {

    /** Integration time step, s. */
    public static final double DT = 0.2;
    /** Link 1 length. */
    public static final double LINK_LENGTH_1 = 1.0;
    /** Link 1 mass. */
    public static final double LINK_MASS_1 = 1.0;
    /** Link 2 mass. */
    public static final double LINK_MASS_2 = 1.0;
    /** Centre of mass of link 1. */
    public static final double LINK_COM_POS_1 = 0.5;
    /** Centre of mass of link 2. */
    public static final double LINK_COM_POS_2 = 0.5;
    /** Moment of inertia of both links. */
    public static final double LINK_MOI = 1.0;
    /** Velocity limit of joint 1. */
    public static final double MAX_VEL_1 = 4 * Math.PI;
    /** Velocity limit of joint 2. */
    public static final double MAX_VEL_2 = 9 * Math.PI;

    private static final double[] AVAIL_TORQUE = {-1.0, 0.0, 1.0};

    private final double[] s = new double[4];

    /** Creates the env; call {@link #reset(long)} before stepping. */
    public Acrobot() {
        super("Acrobot-v1", observationBox(), new Discrete(3), 4);
    }

    private static Box observationBox() {
        double[] high = {1, 1, 1, 1, (float) MAX_VEL_1, (float) MAX_VEL_2};
        double[] low = new double[6];
        for (int i = 0; i < 6; i++) {
            low[i] = -high[i];
        }
        return Box.of(low, high);
    }

    /**
     * The time derivative of the augmented state {@code [θ1, θ2, θ̇1, θ̇2, torque]} ("book" dynamics).
     *
     * @param y the augmented state, 5 values
     * @return {@code [θ̇1, θ̇2, θ̈1, θ̈2, 0]}
     */
    static double[] dsdt(double[] y) {
        double m1 = LINK_MASS_1;
        double m2 = LINK_MASS_2;
        double l1 = LINK_LENGTH_1;
        double lc1 = LINK_COM_POS_1;
        double lc2 = LINK_COM_POS_2;
        double i1 = LINK_MOI;
        double i2 = LINK_MOI;
        double g = 9.8;
        double a = y[4];
        double theta1 = y[0];
        double theta2 = y[1];
        double dtheta1 = y[2];
        double dtheta2 = y[3];
        double d1 = m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * Math.cos(theta2)) + i1 + i2;
        double d2 = m2 * (lc2 * lc2 + l1 * lc2 * Math.cos(theta2)) + i2;
        double phi2 = m2 * lc2 * g * Math.cos(theta1 + theta2 - Math.PI / 2.0);
        double phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * Math.sin(theta2)
                - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.sin(theta2)
                + (m1 * lc1 + m2 * l1) * g * Math.cos(theta1 - Math.PI / 2)
                + phi2;
        double ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * Math.sin(theta2) - phi2)
                / (m2 * (lc2 * lc2) + i2 - (d2 * d2) / d1);
        double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
        return new double[] {dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0};
    }

    private static double wrap(double x, double m, double big) {
        double diff = big - m;
        while (x > big) {
            x = x - diff;
        }
        while (x < m) {
            x = x + diff;
        }
        return x;
    }

    private static double bound(double x, double m, double big) {
        return Math.min(Math.max(x, m), big);
    }

    @Override
    protected Step advance(double[] action) {
        double torque = AVAIL_TORQUE[(int) action[0]];
        double[] y0 = {s[0], s[1], s[2], s[3], torque};
        double dt = DT - 0.0;
        double dt2 = dt / 2.0;
        double[] k1 = dsdt(y0);
        double[] k2 = dsdt(axpy(y0, dt2, k1));
        double[] k3 = dsdt(axpy(y0, dt2, k2));
        double[] k4 = dsdt(axpy(y0, dt, k3));
        double[] ns = new double[4];
        for (int i = 0; i < 4; i++) {
            ns[i] = y0[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        }
        s[0] = wrap(ns[0], -Math.PI, Math.PI);
        s[1] = wrap(ns[1], -Math.PI, Math.PI);
        s[2] = bound(ns[2], -MAX_VEL_1, MAX_VEL_1);
        s[3] = bound(ns[3], -MAX_VEL_2, MAX_VEL_2);
        boolean terminated = -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
        return new Step(observation(), terminated ? 0.0 : -1.0, terminated, false);
    }

    private static double[] axpy(double[] y, double h, double[] k) {
        double[] r = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            r[i] = y[i] + h * k[i];
        }
        return r;
    }

    @Override
    protected double[] observation() {
        return new double[] {f32(Math.cos(s[0])), f32(Math.sin(s[0])), f32(Math.cos(s[1])), f32(Math.sin(s[1])),
            f32(s[2]), f32(s[3])};
    }

    @Override
    protected double[] sampleInitialState(Rng rng) {
        double[] init = new double[4];
        for (int i = 0; i < 4; i++) {
            init[i] = f32(rng.uniform(-0.1, 0.1));
        }
        return init;
    }

    @Override
    protected void loadState(double[] state) {
        System.arraycopy(state, 0, s, 0, 4);
    }

    @Override
    protected double[] currentState() {
        return s.clone();
    }

    @Override
    protected String stateLayout() {
        return "[theta1, theta2, dtheta1, dtheta2]";
    }
}
