package dev.heed.core.nn;

import dev.heed.core.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Chains {@link UnaryModule}s; they are registered as {@code "0"}, {@code "1"}, ... so parameter
 * names match PyTorch's {@code nn.Sequential} (e.g. {@code 2.weight}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public class Sequential extends UnaryModule {

    private final List<UnaryModule> layers = new ArrayList<>();

    /** @param modules the modules, applied in order */
    public Sequential(UnaryModule... modules) {
        for (UnaryModule m : modules) {
            add(m);
        }
    }

    /**
     * Appends a module, registered under the next index.
     *
     * @param module the module
     * @return this
     */
    public final Sequential add(UnaryModule module) {
        registerModule(Integer.toString(layers.size()), module);
        layers.add(module);
        return this;
    }

    /**
     * @param i index
     * @return the i-th module
     */
    public final UnaryModule get(int i) {
        return layers.get(i);
    }

    /** @return the number of modules */
    public final int size() {
        return layers.size();
    }

    /** @return the modules in order (unmodifiable) */
    public final List<UnaryModule> layers() {
        return Collections.unmodifiableList(layers);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (UnaryModule m : layers) {
            y = m.forward(y);
        }
        return y;
    }
}
