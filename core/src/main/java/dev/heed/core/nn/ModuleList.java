package dev.heed.core.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apiguardian.api.API;

/**
 * An indexed list of submodules registered as {@code "0"}, {@code "1"}, ..., like
 * {@code nn.ModuleList}; e.g. the transformer blocks of a model ({@code blocks.3.attn...}).
 *
 * @param <M> the element type
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {

    private final List<M> items = new ArrayList<>();

    /** Creates an empty list. */
    public ModuleList() {}

    /**
     * @param module appended under the next index
     * @return this
     */
    public ModuleList<M> add(M module) {
        registerModule(Integer.toString(items.size()), module);
        items.add(module);
        return this;
    }

    /**
     * @param i index
     * @return the i-th module
     */
    public M get(int i) {
        return items.get(i);
    }

    /** @return the number of modules */
    public int size() {
        return items.size();
    }

    /** @return the modules (unmodifiable) */
    public List<M> asList() {
        return Collections.unmodifiableList(items);
    }

    @Override
    public Iterator<M> iterator() {
        return asList().iterator();
    }
}
