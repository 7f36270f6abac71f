package dev.heed.rl.vec;

import dev.heed.rl.env.Env;
import java.util.function.IntFunction;
import org.apiguardian.api.API;

/**
 * Steps the envs one after the other on the caller's thread (Gymnasium's {@code SyncVectorEnv}).
 * Best for cheap envs such as the classic-control ones, where a thread hand-off costs more than a step.
 *
 * <pre>{@code
 * VectorEnv venv = new SyncVectorEnv(8, i -> Envs.make("CartPole-v1"));
 * double[][] obs = venv.reset(42);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SyncVectorEnv extends AbstractVectorEnv {

    /**
     * @param numEnvs number of copies, at least 1
     * @param factory creates env {@code i}
     */
    public SyncVectorEnv(int numEnvs, IntFunction<? extends Env> factory) {
        super(numEnvs, factory);
    }

    @Override
    protected void stepAll(double[][] actions, VecStep out) {
        for (int i = 0; i < envs.length; i++) {
            stepOne(i, actions[i], out);
        }
    }
}
