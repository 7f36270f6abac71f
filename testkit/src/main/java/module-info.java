/**
 * Heed testkit for plugin authors: conformance suites (JUnit 5) for similarity functions and
 * positional schemes, and the ArchUnit rules for plugins.
 *
 * <p>The suites are abstract JUnit classes that plugin tests extend, so their packages are opened
 * to the JUnit platform, which invokes the inherited test methods reflectively.
 */
module dev.heed.testkit {
    requires static transitive org.apiguardian.api;
    requires transitive dev.heed.attention;
    requires transitive dev.heed.positional;
    requires transitive dev.heed.rl;
    requires transitive com.tngtech.archunit;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;

    exports dev.heed.testkit.arch;
    exports dev.heed.testkit.attention;
    exports dev.heed.testkit.positional;

    opens dev.heed.testkit.attention to org.junit.platform.commons;
    opens dev.heed.testkit.positional to org.junit.platform.commons;
}
