package dev.heed.core.plugin.fake;

import com.google.inject.Inject;
import dev.heed.core.spi.Options;

/** "injected": gets its {@link Salutation} from the plugin's own Guice module. */
public final class InjectedProvider implements GreeterProvider {
    private Salutation salutation;

    @Inject
    void setSalutation(Salutation salutation) {
        this.salutation = salutation;
    }

    @Override
    public String name() {
        return "injected";
    }

    @Override
    public String description() {
        return "greets with a salutation supplied by Guice";
    }

    @Override
    public Greeter create(Options o) {
        if (salutation == null) {
            throw new IllegalStateException("injected: no Salutation; create this provider through an injector");
        }
        return who -> salutation.word() + " " + who;
    }
}
