package dev.heed.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heed.attention.spi.SimilarityProvider;
import dev.heed.core.plugin.PluginInfo;
import dev.heed.core.plugin.PluginLoadFailure;
import dev.heed.core.plugin.PluginRegistry;
import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.PluginProvider;
import dev.heed.positional.spi.PositionalProvider;
import dev.heed.rl.spi.PolicyOptimizerProvider;
import dev.heed.rl.sweep.spi.SweepEngineProvider;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code heed plugins}: every provider found on the class path or the module path for the three
 * plugin kinds (similarity, positional, policy optimizer), with its options, plus providers that
 * failed to load.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
@Command(
        name = "plugins",
        mixinStandardHelpOptions = true,
        description = "List the discovered plugins (similarity functions, positional schemes, policy optimizers).",
        footer = {"", "Examples:",
            "  heed plugins",
            "  heed plugins --json > plugins.json"})
public final class PluginsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON document instead of a listing.")
    boolean json;

    /** Creates the command. */
    public PluginsCommand() {}

    @Override
    public Integer call() throws Exception {
        List<PluginRegistry<? extends PluginProvider<?>>> registries = registries();
        List<PluginInfo> infos = new ArrayList<>();
        List<PluginLoadFailure> failures = new ArrayList<>();
        for (PluginRegistry<? extends PluginProvider<?>> r : registries) {
            infos.addAll(r.list());
            failures.addAll(r.failures());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(toJson(infos, failures)));
        } else {
            printText(out, registries, infos, failures);
        }
        out.flush();
        return 0;
    }

    /** @return one freshly scanned registry per plugin kind, in listing order */
    static List<PluginRegistry<? extends PluginProvider<?>>> registries() {
        ClassLoader cl = PluginsCommand.class.getClassLoader();
        List<PluginRegistry<? extends PluginProvider<?>>> list = new ArrayList<>();
        list.add(PluginRegistry.load(SimilarityProvider.class, cl));
        list.add(PluginRegistry.load(PositionalProvider.class, cl));
        list.add(PluginRegistry.load(PolicyOptimizerProvider.class, cl));
        list.add(PluginRegistry.load(SweepEngineProvider.class, cl));
        return list;
    }

    static ObjectNode toJson(List<PluginInfo> infos, List<PluginLoadFailure> failures) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        ArrayNode ps = root.putArray("plugins");
        for (PluginInfo p : infos) {
            ObjectNode n = ps.addObject();
            n.put("kind", p.kind());
            n.put("name", p.name());
            n.put("description", p.description());
            n.put("class", p.className());
            n.put("jar", p.location());
            n.put("status", p.status().name().toLowerCase(Locale.ROOT));
            ArrayNode os = n.putArray("options");
            for (OptionSpec o : p.options()) {
                ObjectNode on = os.addObject();
                on.put("name", o.name());
                on.put("type", o.type().name().toLowerCase(Locale.ROOT));
                if (o.defaultValue().isPresent()) {
                    on.set("default", m.valueToTree(o.defaultValue().get()));
                } else {
                    on.putNull("default");
                }
                on.put("allowed", o.allowedDescription());
                if (o.min().isPresent()) {
                    on.put("min", o.min().getAsDouble());
                    on.put("min_exclusive", o.isMinExclusive());
                }
                if (o.max().isPresent()) {
                    on.put("max", o.max().getAsDouble());
                }
                if (!o.allowedValues().isEmpty()) {
                    ArrayNode av = on.putArray("values");
                    o.allowedValues().forEach(av::add);
                }
                on.put("doc", o.doc());
            }
        }
        ArrayNode fs = root.putArray("failures");
        for (PluginLoadFailure f : failures) {
            ObjectNode n = fs.addObject();
            n.put("kind", f.kind());
            n.put("class", f.className());
            n.put("jar", f.location());
            n.put("message", f.message());
        }
        return root;
    }

    private static void printText(PrintWriter out, List<PluginRegistry<? extends PluginProvider<?>>> registries,
                                  List<PluginInfo> infos, List<PluginLoadFailure> failures) {
        for (PluginRegistry<? extends PluginProvider<?>> r : registries) {
            out.println(r.kind() + ":");
            boolean any = false;
            for (PluginInfo p : infos) {
                if (!p.kind().equals(r.kind())) {
                    continue;
                }
                any = true;
                String status = p.status() == PluginInfo.Status.ACTIVE ? "" : "  [" + p.status().name().toLowerCase(Locale.ROOT) + "]";
                out.println("  " + p.name() + status + " — " + p.description());
                out.println("      class " + p.className());
                out.println("      from  " + p.location());
                for (OptionSpec o : p.options()) {
                    String dflt = o.defaultValue().map(String::valueOf).orElse("(required)");
                    out.println(String.format(Locale.ROOT, "      option %s: %s, default %s — %s", o.name(),
                            o.allowedDescription(), dflt, o.doc()));
                }
            }
            if (!any) {
                out.println("  (none found)");
            }
        }
        if (!failures.isEmpty()) {
            out.println("failed to load:");
            for (PluginLoadFailure f : failures) {
                out.println("  " + f.kind() + " " + f.className() + " from " + f.location() + ": " + f.message());
            }
        }
    }
}
