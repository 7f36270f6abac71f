package dev.heed.core.nn;

import java.util.List;
import org.apiguardian.api.API;

/**
 * A state dict did not fit a module. Lists every missing name, unexpected name and shape/dtype
 * mismatch at once; the module was not changed.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class StateDictException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Names the module has but the state lacks. */
    private final List<String> missing;
    /** Names the state has but the module lacks. */
    private final List<String> unexpected;
    /** Descriptions of tensors with the wrong shape or dtype. */
    private final List<String> mismatched;

    /**
     * @param module the module's class name
     * @param missing names the module has but the state lacks
     * @param unexpected names the state has but the module lacks
     * @param mismatched one description per tensor with the wrong shape or dtype
     */
    public StateDictException(String module, List<String> missing, List<String> unexpected, List<String> mismatched) {
        super(message(module, missing, unexpected, mismatched));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.mismatched = List.copyOf(mismatched);
    }

    private static String message(String module, List<String> missing, List<String> unexpected, List<String> mismatched) {
        StringBuilder sb = new StringBuilder("loadStateDict: the state does not fit " + module
                + "; nothing was loaded.");
        if (!missing.isEmpty()) {
            sb.append("\n  missing keys (").append(missing.size()).append("): ").append(missing);
        }
        if (!unexpected.isEmpty()) {
            sb.append("\n  unexpected keys (").append(unexpected.size()).append("): ").append(unexpected);
        }
        if (!mismatched.isEmpty()) {
            sb.append("\n  shape/dtype mismatches (").append(mismatched.size()).append("):");
            for (String m : mismatched) {
                sb.append("\n    ").append(m);
            }
        }
        sb.append("\n  Fix: load a checkpoint made for this architecture and dtype, or pass strict = false to"
                + " ignore missing/unexpected keys.");
        return sb.toString();
    }

    /** @return names the module has but the state lacks */
    public List<String> missingKeys() {
        return missing;
    }

    /** @return names the state has but the module lacks */
    public List<String> unexpectedKeys() {
        return unexpected;
    }

    /** @return descriptions of tensors whose shape or dtype differ */
    public List<String> mismatches() {
        return mismatched;
    }
}
