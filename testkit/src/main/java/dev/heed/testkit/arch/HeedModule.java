package dev.heed.testkit.arch;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * Heed's Maven modules as ArchUnit sees them: by package root. The allowed dependencies form the
 * module DAG of {@code docs/architecture.md}.
 *
 * <p>{@code rl-policy} owns {@code dev.heed.rl..} except the {@code trpo} and {@code ppo}
 * sub-trees, which belong to {@code rl-trpo} and {@code rl-ppo}. Every {@code dev.heed.plugin.<name>}
 * sub-tree is one plugin module; {@link #PLUGINS} stands for all of them.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public enum HeedModule {
    /** Tensor, autograd, nn, optimizers, I/O and the plugin mechanism. */
    CORE("core", "dev.heed.core"),
    /** Positional-scheme SPI and built-ins. */
    POSITIONAL("positional", "dev.heed.positional"),
    /** Similarity SPI, attention, transformer blocks. */
    ATTENTION("attention", "dev.heed.attention"),
    /** Environments, policies, rollouts, the policy-optimizer SPI, A2C. */
    RL_POLICY("rl-policy", "dev.heed.rl"),
    /** TRPO. */
    RL_TRPO("rl-trpo", "dev.heed.rl.trpo"),
    /** PPO. */
    RL_PPO("rl-ppo", "dev.heed.rl.ppo"),
    /** Conformance suites and these rules. */
    TESTKIT("testkit", "dev.heed.testkit"),
    /** The {@code heed} command. */
    CLI("cli", "dev.heed.cli"),
    /** JMH benchmarks. */
    BENCH("bench", "dev.heed.bench"),
    /** Every {@code heed-plugin-*} artifact. */
    PLUGINS("plugins", "dev.heed.plugin");

    private final String artifact;
    private final String root;

    HeedModule(String artifact, String root) {
        this.artifact = artifact;
        this.root = root;
    }

    /** @return the module name without the {@code heed-} prefix, e.g. {@code "rl-policy"} */
    public String artifact() {
        return artifact;
    }

    /** @return the package root, e.g. {@code "dev.heed.rl"} */
    public String packageRoot() {
        return root;
    }

    /**
     * @param packageName a Java package name
     * @return true if classes in that package belong to this module
     */
    public boolean contains(String packageName) {
        return of(packageName).filter(m -> m == this).isPresent();
    }

    /**
     * @param packageName a Java package name
     * @return the module owning it; empty for packages outside {@code dev.heed}
     */
    public static Optional<HeedModule> of(String packageName) {
        HeedModule best = null;
        for (HeedModule m : values()) {
            if (packageName.equals(m.root) || packageName.startsWith(m.root + ".")) {
                if (best == null || m.root.length() > best.root.length()) {
                    best = m;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * A finer identity than the module: each plugin sub-tree ({@code dev.heed.plugin.rope..}) is its
     * own unit, so one plugin may not use another plugin's internals either.
     *
     * @param packageName a Java package name
     * @return e.g. {@code "core"} or {@code "plugin-rope"}; empty outside {@code dev.heed}
     */
    public static Optional<String> unitOf(String packageName) {
        return of(packageName).map(m -> {
            if (m != PLUGINS) {
                return m.artifact;
            }
            String rest = packageName.length() > m.root.length() ? packageName.substring(m.root.length() + 1) : "";
            int dot = rest.indexOf('.');
            return "plugin-" + (dot < 0 ? rest : rest.substring(0, dot));
        });
    }

    /** @return the other modules this one may depend on (the module DAG) */
    public Set<HeedModule> mayDependOn() {
        switch (this) {
            case CORE:
                return EnumSet.noneOf(HeedModule.class);
            case POSITIONAL:
            case RL_POLICY:
                return EnumSet.of(CORE);
            case ATTENTION:
                return EnumSet.of(CORE, POSITIONAL);
            case RL_TRPO:
            case RL_PPO:
                return EnumSet.of(CORE, RL_POLICY);
            case PLUGINS:
                return EnumSet.of(CORE, POSITIONAL, ATTENTION, RL_POLICY, RL_TRPO, RL_PPO);
            case TESTKIT:
                return EnumSet.of(CORE, POSITIONAL, ATTENTION, RL_POLICY);
            case CLI:
                return EnumSet.complementOf(EnumSet.of(CLI, BENCH));
            case BENCH:
                return EnumSet.complementOf(EnumSet.of(BENCH));
            default:
                throw new IllegalStateException("no dependency list for " + this);
        }
    }

    /** @return the other modules this one must not depend on */
    public List<HeedModule> mustNotDependOn() {
        return Arrays.stream(values()).filter(m -> m != this && !mayDependOn().contains(m)).toList();
    }
}
