/**
 * The {@code heed} command line. An application module: it exports nothing; its command classes
 * are opened to picocli, which reads their annotated fields reflectively.
 *
 * <p>Run it on the module path with
 * {@code java --add-modules jdk.incubator.vector --module-path <jars> -m dev.heed.cli}; every
 * provider module on the module path is found through the {@code uses} clauses of the SPI
 * modules.
 */
module dev.heed.cli {
    requires static transitive org.apiguardian.api;
    requires dev.heed.core;
    requires dev.heed.positional;
    requires dev.heed.attention;
    requires dev.heed.rl;
    requires dev.heed.rl.trpo;
    requires dev.heed.rl.ppo;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires org.knowm.xchart;
    requires java.desktop;
    requires java.management;

    opens dev.heed.cli to info.picocli;
    opens dev.heed.cli.attn to info.picocli;
    opens dev.heed.cli.bench to info.picocli;
    opens dev.heed.cli.rl to info.picocli;
}
