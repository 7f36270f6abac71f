package dev.heed.core.plugin.fake;

import dev.heed.core.spi.Options;

/** "counting": keeps per-instance state, to show that two injectors never share it. */
public final class CountingProvider implements GreeterProvider {
    private int created;

    @Override
    public String name() {
        return "counting";
    }

    @Override
    public String description() {
        return "numbers its greeters";
    }

    @Override
    public Greeter create(Options o) {
        int n = ++created;
        return who -> "#" + n + " " + who;
    }

    public int created() {
        return created;
    }
}
