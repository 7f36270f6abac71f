package dev.heed.rl.train;

import dev.heed.core.plugin.PluginRegistry;
import dev.heed.rl.spi.PolicyOptimizerProvider;
import dev.heed.rl.spi.Preset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The policy optimizers on offer (found with {@link java.util.ServiceLoader}: the built-in {@code a2c}
 * plus whatever {@code rl-ppo}, {@code rl-trpo} and plugins contribute) and the presets their
 * providers declare.
 *
 * <p>Preset registry: every provider's {@link PolicyOptimizerProvider#presets()} are collected, keyed
 * by (algorithm, env id); a provider may only contribute presets for its own name. Immutable and
 * thread-safe; no global state (each {@link #load()} scans again).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class PolicyOptimizers {

    private final PluginRegistry<PolicyOptimizerProvider> registry;
    private final Map<String, Preset> presets;

    private PolicyOptimizers(PluginRegistry<PolicyOptimizerProvider> registry) {
        this.registry = registry;
        Map<String, Preset> p = new LinkedHashMap<>();
        for (PolicyOptimizerProvider provider : registry.providers()) {
            for (Preset preset : provider.presets()) {
                if (!preset.algorithm().equals(provider.name())) {
                    throw new IllegalStateException("policy optimizer '" + provider.name() + "' ("
                            + provider.getClass().getName() + ") declares a preset for algorithm '" + preset.algorithm()
                            + "'; providers may only contribute presets for their own name");
                }
                p.put(key(preset.algorithm(), preset.env()), preset);
            }
        }
        this.presets = Collections.unmodifiableMap(p);
    }

    private static String key(String algorithm, String env) {
        return algorithm + "\u0000" + env;
    }

    /** @return every provider visible to the context class loader */
    public static PolicyOptimizers load() {
        return new PolicyOptimizers(PluginRegistry.load(PolicyOptimizerProvider.class));
    }

    /**
     * @param providers explicit providers (tests, embedding)
     * @return a registry over exactly these
     */
    public static PolicyOptimizers of(Collection<? extends PolicyOptimizerProvider> providers) {
        return new PolicyOptimizers(PluginRegistry.of(PolicyOptimizerProvider.class, providers));
    }

    /** @return the underlying plugin registry (for listings and pinning) */
    public PluginRegistry<PolicyOptimizerProvider> registry() {
        return registry;
    }

    /** @return the usable provider names, sorted */
    public Set<String> names() {
        return registry.usableNames();
    }

    /**
     * @param name e.g. {@code a2c}
     * @return the provider
     * @throws dev.heed.core.plugin.UnknownPluginException listing the available names
     */
    public PolicyOptimizerProvider provider(String name) {
        return registry.get(name);
    }

    /**
     * @param algorithm provider name
     * @param env env id
     * @return the tuned preset, if one is declared
     */
    public Optional<Preset> preset(String algorithm, String env) {
        return Optional.ofNullable(presets.get(key(Objects.requireNonNull(algorithm), Objects.requireNonNull(env))));
    }

    /** @return every preset, in provider order */
    public List<Preset> presets() {
        return new ArrayList<>(presets.values());
    }

    /**
     * Resolves a training configuration: Heed's defaults, then the preset for (algorithm, env) if
     * any, then {@code overrides}. See {@link TrainConfig} for the keys.
     *
     * @param algorithm provider name
     * @param env env id
     * @param overrides {@code key=value} text (camelCase or SB3 snake_case keys)
     * @return the configuration
     * @throws IllegalArgumentException for unknown keys or bad values
     */
    public TrainConfig config(String algorithm, String env, Map<String, String> overrides) {
        PolicyOptimizerProvider provider = provider(algorithm);
        Map<String, String> values = new LinkedHashMap<>();
        preset(algorithm, env).ifPresent(p -> values.putAll(p.values()));
        TrainConfig.merge(values, overrides);
        return TrainConfig.resolve(provider, env, values);
    }
}
