package dev.heed.testkit.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.heed.attention.fixture.violations.AttentionType;
import dev.heed.attention.fixture.violations.AttentionUsesCoreInternal;
import dev.heed.core.fixture.violations.CoreUsesAttention;
import dev.heed.core.internal.fixture.violations.CoreInternalType;
import dev.heed.plugin.demo.fixture.violations.GoodProvider;
import dev.heed.plugin.demo.fixture.violations.PluginUsesInternal;
import dev.heed.plugin.demo.fixture.violations.PluginUsesTestkit;
import dev.heed.plugin.tribuo.fixture.violations.AcceptingTribuoModel;
import dev.heed.plugin.tribuo.fixture.violations.OwnSerializable;
import dev.heed.plugin.tribuo.fixture.violations.RefusingTribuoModel;
import dev.heed.positional.fixture.violations.PositionalUsesAttention;
import dev.heed.rl.fixture.violations.PolicyUsesPositional;
import dev.heed.rl.fixture.violations.PolicyUsesPpo;
import dev.heed.rl.ppo.fixture.violations.PpoType;
import dev.heed.rl.trpo.fixture.violations.TrpoUsesAttention;
import dev.heed.testkit.fixture.violations.MissingApiAnnotation;
import dev.heed.testkit.fixture.violations.MutableStatic;
import dev.heed.testkit.fixture.violations.PrintsToStdout;
import dev.heed.testkit.fixture.violations.SerializableType;
import dev.heed.testkit.fixture.violations.ThrowsGeneric;
import dev.heed.testkit.fixture.violations.UsesJul;
import dev.heed.testkit.fixture.violations.UsesSpark;
import dev.heed.testkit.fixture.violations.UsesTribuo;
import dev.heed.testkit.fixture.violations.cycle.a.CycleA;
import dev.heed.testkit.fixture.violations.cycle.b.CycleB;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tribuo.FakeSerializableModel;

/** Each rule reports its planted violation, and names the offending class in the report. */
class HeedArchitectureTest {

    private static EvaluationResult evaluate(ArchRule rule, Class<?>... classes) {
        return rule.evaluate(new ClassFileImporter().importClasses(classes));
    }

    private static void assertReports(ArchRule rule, Class<?> offender, Class<?>... context) {
        Class<?>[] all = new Class<?>[context.length + 1];
        all[0] = offender;
        System.arraycopy(context, 0, all, 1, context.length);
        EvaluationResult r = evaluate(rule, all);
        assertTrue(r.hasViolation(), rule.getDescription() + " missed " + offender.getName());
        assertTrue(r.getFailureReport().toString().contains(offender.getName()), r.getFailureReport().toString());
    }

    @Test
    void moduleDagRulesReportEachForbiddenEdge() {
        assertReports(HeedArchitecture.moduleDependencies(HeedModule.CORE), CoreUsesAttention.class, AttentionType.class);
        assertReports(HeedArchitecture.moduleDependencies(HeedModule.POSITIONAL), PositionalUsesAttention.class,
                AttentionType.class);
        assertReports(HeedArchitecture.moduleDependencies(HeedModule.RL_POLICY), PolicyUsesPositional.class);
        assertReports(HeedArchitecture.moduleDependencies(HeedModule.RL_POLICY), PolicyUsesPpo.class, PpoType.class);
        assertReports(HeedArchitecture.moduleDependencies(HeedModule.RL_TRPO), TrpoUsesAttention.class);
        assertReports(HeedArchitecture.moduleDependencies(HeedModule.PLUGINS), PluginUsesTestkit.class);
        // Allowed edges are not reported: attention may use positional's... and rl-ppo has no outgoing edge here.
        assertFalse(evaluate(HeedArchitecture.moduleDependencies(HeedModule.ATTENTION), AttentionType.class).hasViolation());
        // Every module's rule runs over the whole fixture set without error.
        assertEquals(HeedModule.values().length, HeedArchitecture.moduleDag().size());
    }

    @Test
    void foreignInternalAccessIsReportedOwnInternalIsNot() {
        assertReports(HeedArchitecture.NO_FOREIGN_INTERNAL_ACCESS, AttentionUsesCoreInternal.class, CoreInternalType.class);
        assertReports(HeedArchitecture.NO_FOREIGN_INTERNAL_ACCESS, PluginUsesInternal.class, CoreInternalType.class);
        // core using its own internals is fine.
        assertFalse(evaluate(HeedArchitecture.NO_FOREIGN_INTERNAL_ACCESS, CoreInternalType.class, CoreUsesAttention.class)
                .hasViolation());
    }

    @Test
    void packageCyclesAreReported() {
        EvaluationResult r = evaluate(HeedArchitecture.NO_PACKAGE_CYCLES, CycleA.class, CycleB.class);
        assertTrue(r.hasViolation());
        assertTrue(r.getFailureReport().toString().contains("cycle"), r.getFailureReport().toString());
        // An API package and its internal sub-package may refer to each other: they are one slice.
        assertFalse(evaluate(HeedArchitecture.NO_PACKAGE_CYCLES, CoreUsesAttention.class, CoreInternalType.class)
                .hasViolation());
    }

    @Test
    void codingRulesReportTheirPlantedViolations() {
        assertReports(HeedArchitecture.NO_STANDARD_STREAMS_OUTSIDE_CLI, PrintsToStdout.class);
        assertReports(HeedArchitecture.NO_JAVA_UTIL_LOGGING, UsesJul.class);
        assertReports(HeedArchitecture.NO_GENERIC_EXCEPTIONS, ThrowsGeneric.class);
        assertReports(HeedArchitecture.NO_SERIALIZABLE, SerializableType.class);
        // The Tribuo bridge's exemption: only Tribuo subclasses that refuse serialization.
        assertReports(HeedArchitecture.NO_SERIALIZABLE, AcceptingTribuoModel.class, FakeSerializableModel.class);
        assertReports(HeedArchitecture.NO_SERIALIZABLE, OwnSerializable.class);
        assertFalse(evaluate(HeedArchitecture.NO_SERIALIZABLE, RefusingTribuoModel.class, FakeSerializableModel.class)
                .hasViolation());
        assertReports(HeedArchitecture.PUBLIC_TYPES_ANNOTATED_WITH_API, MissingApiAnnotation.class);
        assertReports(HeedArchitecture.NO_MUTABLE_STATIC_FIELDS, MutableStatic.class);
        assertReports(HeedArchitecture.TRIBUO_ONLY_IN_TRIBUO_PLUGIN, UsesTribuo.class);
        assertReports(HeedArchitecture.SPARK_ONLY_IN_SPARK_PLUGIN, UsesSpark.class);
    }

    @Test
    void checkAllListsEveryViolatedRuleAndPassesCleanClasses() {
        JavaClasses bad = new ClassFileImporter().importClasses(PrintsToStdout.class, MissingApiAnnotation.class);
        AssertionError e = assertThrows(AssertionError.class, () -> HeedArchitecture.checkAll(bad));
        assertTrue(e.getMessage().startsWith("2 architecture rule(s) violated"), e.getMessage());
        HeedArchitecture.checkAll(new ClassFileImporter().importClasses(GoodProvider.class, AttentionType.class,
                CoreInternalType.class));
    }

    @Test
    void theRealScanExcludesFixturesAndTheTestkitItselfPasses() {
        JavaClasses testkit = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(HeedArchitecture.EXCLUDE_FIXTURES)
                .importPackages("dev.heed.testkit");
        assertTrue(testkit.contain(HeedArchitecture.class));
        assertFalse(testkit.contain(PrintsToStdout.class));
        HeedArchitecture.checkAll(testkit);
        HeedArchitecture.checkAll(List.copyOf(PluginRules.all("dev.heed.testkit..")), testkit);
    }

    @Test
    void modulesAreFoundByLongestPackageRoot() {
        assertEquals(HeedModule.RL_POLICY, HeedModule.of("dev.heed.rl.env").orElseThrow());
        assertEquals(HeedModule.RL_PPO, HeedModule.of("dev.heed.rl.ppo.internal").orElseThrow());
        assertEquals("plugin-rope", HeedModule.unitOf("dev.heed.plugin.rope.internal").orElseThrow());
        assertTrue(HeedModule.of("com.acme").isEmpty());
        assertFalse(HeedModule.RL_POLICY.contains("dev.heed.rlx"));
    }
}
