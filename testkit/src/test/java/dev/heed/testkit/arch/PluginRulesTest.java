package dev.heed.testkit.arch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.heed.core.internal.fixture.violations.CoreInternalType;
import dev.heed.plugin.demo.fixture.violations.BadNameProvider;
import dev.heed.plugin.demo.fixture.violations.GoodProvider;
import dev.heed.plugin.demo.fixture.violations.PluginUsesInternal;
import dev.heed.plugin.demo.fixture.violations.PluginUsesTestkit;
import dev.heed.plugin.demo.fixture.violations.TwinAProvider;
import dev.heed.plugin.demo.fixture.violations.TwinBProvider;
import dev.heed.plugin.demo.fixture.violations.UnregisteredProvider;
import org.junit.jupiter.api.Test;

class PluginRulesTest {

    private static EvaluationResult evaluate(ArchRule rule, Class<?>... classes) {
        return rule.evaluate(new ClassFileImporter().importClasses(classes));
    }

    private static String report(ArchRule rule, Class<?>... classes) {
        EvaluationResult r = evaluate(rule, classes);
        assertTrue(r.hasViolation(), "expected a violation of: " + rule.getDescription());
        return r.getFailureReport().toString();
    }

    @Test
    void pluginsMayUseOnlyApiAndSpi() {
        ArchRule rule = PluginRules.usesOnlyApiAndSpi("dev.heed.plugin.demo..");
        assertTrue(report(rule, PluginUsesInternal.class, CoreInternalType.class).contains(PluginUsesInternal.class.getName()));
        assertTrue(report(rule, PluginUsesTestkit.class).contains(PluginUsesTestkit.class.getName()));
        // GoodProvider uses dev.heed.core.spi only.
        assertFalse(evaluate(rule, GoodProvider.class).hasViolation());
    }

    @Test
    void unregisteredProviderIsReportedWithTheServiceFileToEdit() {
        String r = report(PluginRules.PROVIDERS_ARE_REGISTERED, UnregisteredProvider.class, GoodProvider.class);
        assertTrue(r.contains("add the line '" + UnregisteredProvider.class.getName()
                + "' to META-INF/services/dev.heed.plugin.demo.fixture.violations.FixtureKindProvider"), r);
        assertFalse(r.contains(GoodProvider.class.getName() + " is not registered"), r);
    }

    @Test
    void namesMustBeKebabCaseAndUniquePerKind() {
        String bad = report(PluginRules.PROVIDER_NAMES_ARE_KEBAB_CASE_AND_UNIQUE, BadNameProvider.class, GoodProvider.class);
        assertTrue(bad.contains("returns 'Bad_Name', which is not kebab-case"), bad);
        String twins = report(PluginRules.PROVIDER_NAMES_ARE_KEBAB_CASE_AND_UNIQUE, TwinAProvider.class, TwinBProvider.class);
        assertTrue(twins.contains("'twin' is used by 2 classes"), twins);
        // Bookkeeping is per evaluation: checking one twin alone afterwards is clean.
        assertFalse(evaluate(PluginRules.PROVIDER_NAMES_ARE_KEBAB_CASE_AND_UNIQUE, TwinAProvider.class).hasViolation());
    }
}
