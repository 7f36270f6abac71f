package dev.heed.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.heed.testkit.arch.HeedArchitecture;
import dev.heed.testkit.arch.PluginRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs Heed's architecture rules over every production class of every Heed module. It lives here
 * because the CLI depends on every module, so all of them are on this test class path.
 */
class ArchitectureTest {

    private static JavaClasses heed;

    @BeforeAll
    static void importAll() {
        heed = HeedArchitecture.importHeedClasses();
    }

    @Test
    void theScanSeesEveryModuleOnTheClassPath() {
        // Spot checks that the import is not accidentally empty or missing a module's classes.
        assertTrue(heed.containPackage("dev.heed.core"), "core classes missing from the scan");
        assertTrue(heed.containPackage("dev.heed.core.internal.kernel"), "core internals missing from the scan");
        assertTrue(heed.containPackage("dev.heed.cli"), "cli classes missing from the scan");
        assertTrue(heed.containPackage("dev.heed.testkit.arch"), "testkit classes missing from the scan");
    }

    @Test
    void heedFollowsItsArchitectureRules() {
        HeedArchitecture.checkAll(heed);
    }

    @Test
    void builtInProvidersFollowThePluginRules() {
        HeedArchitecture.checkAll(PluginRules.all("dev.heed.plugin.."), heed);
    }
}
