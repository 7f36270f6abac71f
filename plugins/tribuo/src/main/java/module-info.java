/**
 * Heed plugin: Heed attention models as Tribuo trainers and models. Tribuo and OLCUT ship only
 * automatic module names, which are stable ({@code Automatic-Module-Name} in their manifests).
 */
module dev.heed.plugin.tribuo {
    requires static transitive org.apiguardian.api;
    requires transitive dev.heed.attention;
    requires transitive org.tribuo.core;
    requires transitive org.tribuo.classification.core;
    requires transitive com.oracle.labs.mlrg.olcut;

    exports dev.heed.plugin.tribuo;
}
