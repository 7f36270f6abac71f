package dev.heed.core.plugin.fake;

import dev.heed.core.spi.OptionSpec;
import dev.heed.core.spi.Options;
import java.util.List;

/** "hello": repeats a greeting; exercises int, boolean and enum options. */
public final class HelloProvider implements GreeterProvider {
    @Override
    public String name() {
        return "hello";
    }

    @Override
    public String description() {
        return "says hello, possibly several times";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.ofInt("times", 1, "how many times to say it").range(1, 10),
                OptionSpec.ofBoolean("shout", false, "upper-case the greeting"),
                OptionSpec.ofEnum("ending", "period", "how the greeting ends", List.of("period", "exclamation")));
    }

    @Override
    public Greeter create(Options o) {
        int times = o.getInt("times");
        boolean shout = o.getBoolean("shout");
        String end = o.getString("ending").equals("period") ? "." : "!";
        return who -> {
            String s = ("hello " + who + end).repeat(times);
            return shout ? s.toUpperCase(java.util.Locale.ROOT) : s;
        };
    }
}
