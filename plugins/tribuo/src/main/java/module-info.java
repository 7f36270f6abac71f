/**
 * Heed plugin: Heed attention models as Tribuo trainers and models. Tribuo and OLCUT ship only
 * automatic module names, which are stable ({@code Automatic-Module-Name} in their manifests).
 *
 * <p>The trainers' hyperparameters are OLCUT {@code @Config} fields, which OLCUT reads (provenance)
 * and writes (configuration files) reflectively, so the package is opened to OLCUT.
 */
module dev.heed.plugin.tribuo {
    requires static transitive org.apiguardian.api;
    requires transitive dev.heed.attention;
    requires transitive org.tribuo.core;
    requires transitive org.tribuo.classification.core;
    requires transitive com.oracle.labs.mlrg.olcut;

    exports dev.heed.plugin.tribuo;

    opens dev.heed.plugin.tribuo to com.oracle.labs.mlrg.olcut;
}
