package dev.heed.testkit.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.GeneralCodingRules;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Heed's architecture rules, as ArchUnit rules anyone can run: Heed's own build checks every Heed
 * class with {@link #all()}, and plugin authors may check their classes with the same rules (plus
 * {@link PluginRules}).
 *
 * <pre>{@code
 * JavaClasses classes = HeedArchitecture.importHeedClasses();
 * HeedArchitecture.checkAll(classes);              // one AssertionError listing every violation
 * }</pre>
 *
 * <p>The rules are immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class HeedArchitecture {

    private HeedArchitecture() {}

    /** Package segment that marks planted-violation fixtures; the real scan excludes them. */
    public static final String FIXTURE_MARKER = "fixture.violations";

    /** Excludes planted-violation fixtures ({@code ..fixture.violations..}) from an import. */
    public static final ImportOption EXCLUDE_FIXTURES = location -> !location.contains("/fixture/violations/");

    /**
     * Imports every production class of {@code dev.heed} on the class path (test classes and
     * planted-violation fixtures excluded).
     *
     * @return the classes to check
     */
    public static JavaClasses importHeedClasses() {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(EXCLUDE_FIXTURES)
                .importPackages("dev.heed");
    }

    private static boolean isHeed(JavaClass c) {
        return c.getPackageName().startsWith("dev.heed.") || c.getPackageName().equals("dev.heed");
    }

    private static boolean isInternal(String packageName) {
        return packageName.contains(".internal.") || packageName.endsWith(".internal");
    }

    private static DescribedPredicate<JavaClass> inModule(HeedModule m) {
        return DescribedPredicate.describe("in module " + m.artifact() + " (" + m.packageRoot() + "..)",
                c -> m.contains(c.getBaseComponentType().getPackageName()));
    }

    private static DescribedPredicate<JavaClass> inAnyOf(List<HeedModule> modules) {
        List<String> names = modules.stream().map(HeedModule::artifact).toList();
        return DescribedPredicate.describe("in module(s) " + String.join(", ", names),
                c -> HeedModule.of(c.getBaseComponentType().getPackageName()).filter(modules::contains).isPresent());
    }

    /**
     * The module-DAG rule for one module: its classes depend on no module outside
     * {@link HeedModule#mayDependOn()}.
     *
     * @param module the module
     * @return the rule
     */
    public static ArchRule moduleDependencies(HeedModule module) {
        List<HeedModule> forbidden = module.mustNotDependOn();
        List<String> allowed = module.mayDependOn().stream().map(HeedModule::artifact).toList();
        return noClasses().that(inModule(module))
                .should().dependOnClassesThat(inAnyOf(forbidden))
                .because("the module DAG allows " + module.artifact() + " to depend only on "
                        + (allowed.isEmpty() ? "no other Heed module" : String.join(", ", allowed))
                        + " (docs/architecture.md)")
                .allowEmptyShould(true);
    }

    /** @return one {@link #moduleDependencies} rule per module */
    public static List<ArchRule> moduleDag() {
        List<ArchRule> rules = new ArrayList<>();
        for (HeedModule m : HeedModule.values()) {
            rules.add(moduleDependencies(m));
        }
        return rules;
    }

    private static final ArchCondition<JavaClass> NOT_USE_FOREIGN_INTERNALS =
            new ArchCondition<>("not depend on another module's ..internal.. packages") {
                @Override
                public void check(JavaClass origin, ConditionEvents events) {
                    Optional<String> from = HeedModule.unitOf(origin.getPackageName());
                    for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                        String target = d.getTargetClass().getBaseComponentType().getPackageName();
                        if (!isInternal(target) || !target.startsWith("dev.heed.")) {
                            continue;
                        }
                        Optional<String> to = HeedModule.unitOf(target);
                        if (!to.equals(from)) {
                            events.add(SimpleConditionEvent.violated(d, d.getDescription() + " — "
                                    + target + " is internal to " + to.orElse("?") + "; use its api or spi package"));
                        }
                    }
                }
            };

    /**
     * No class uses an {@code ..internal..} package of another module (or another plugin); applies
     * to classes outside {@code dev.heed} too, so plugin authors can run it on their own code.
     */
    public static final ArchRule NO_FOREIGN_INTERNAL_ACCESS = classes()
            .should(NOT_USE_FOREIGN_INTERNALS)
            .because("internal packages are implementation details of their module and may change at any time")
            .allowEmptyShould(true);

    /** Packages as slices, with {@code internal} sub-packages folded into their parent package. */
    private static final SliceAssignment PACKAGES_WITH_INTERNALS_FOLDED = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            if (!isHeed(c)) {
                return SliceIdentifier.ignore();
            }
            int i = p.indexOf(".internal");
            while (i >= 0) {
                int end = i + ".internal".length();
                if (end == p.length() || p.charAt(end) == '.') {
                    return SliceIdentifier.of(p.substring(0, i));
                }
                i = p.indexOf(".internal", end);
            }
            return SliceIdentifier.of(p);
        }

        @Override
        public String getDescription() {
            return "Heed packages (internal sub-packages folded into their parent)";
        }
    };

    /**
     * No cycles between Heed packages. A package's {@code internal} sub-packages count as part of
     * it, so an API type and its implementation may refer to each other.
     */
    public static final ArchRule NO_PACKAGE_CYCLES = SlicesRuleDefinition.slices()
            .assignedFrom(PACKAGES_WITH_INTERNALS_FOLDED)
            .should().beFreeOfCycles()
            .because("package cycles make modules impossible to split or test alone")
            .allowEmptyShould(true);

    /** Only the CLI writes to the standard streams; libraries log through {@code System.Logger}. */
    public static final ArchRule NO_STANDARD_STREAMS_OUTSIDE_CLI = noClasses()
            .that().resideOutsideOfPackage("dev.heed.cli..")
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
            .because("libraries must not print; use System.getLogger (only dev.heed.cli talks to the terminal)")
            .allowEmptyShould(true);

    /**
     * {@code java.util.logging} is not used at all; use {@code System.getLogger}. (Stricter than
     * ArchUnit's {@code GeneralCodingRules.USE_JAVA_UTIL_LOGGING}, which only sees logger fields.)
     */
    public static final ArchRule NO_JAVA_UTIL_LOGGING = noClasses()
            .should().dependOnClassesThat().resideInAPackage("java.util.logging..")
            .because("Heed logs through System.Logger so users choose the backend")
            .allowEmptyShould(true);

    /** No {@code Throwable}, {@code Exception} or {@code RuntimeException} is thrown as such. */
    public static final ArchRule NO_GENERIC_EXCEPTIONS = noClasses()
            .should(GeneralCodingRules.THROW_GENERIC_EXCEPTIONS)
            .because("throw IllegalArgumentException, IllegalStateException or a specific Heed exception"
                    + " whose message names the operation, the value and the fix")
            .allowEmptyShould(true);

    /**
     * Classes of the Tribuo bridge ({@code dev.heed.plugin.tribuo..}) that inherit
     * {@code Serializable} from a Tribuo superclass (Tribuo's {@code Model} and
     * {@code SequenceModel} are {@code Serializable}) and refuse it by declaring
     * {@code writeReplace} (which throws {@code NotSerializableException}).
     */
    private static final DescribedPredicate<JavaClass> TRIBUO_SUBCLASS_REFUSING_SERIALIZATION =
            DescribedPredicate.describe("Tribuo subclasses in dev.heed.plugin.tribuo.. that declare writeReplace",
                    c -> (c.getPackageName().equals("dev.heed.plugin.tribuo")
                                    || c.getPackageName().startsWith("dev.heed.plugin.tribuo."))
                            && c.getAllRawSuperclasses().stream().anyMatch(s -> (s.getPackageName().equals("org.tribuo")
                                            || s.getPackageName().startsWith("org.tribuo."))
                                    && s.isAssignableTo(Serializable.class))
                            && c.tryGetMethod("writeReplace").isPresent());

    /**
     * No Heed type is {@code java.io.Serializable}. Throwables and enums are exempt: the JDK makes
     * them serializable and Heed never serializes them. So are classes of {@code heed-plugin-tribuo}
     * that extend a serializable Tribuo type (they cannot drop the interface) and refuse
     * serialization with a {@code writeReplace} method.
     */
    public static final ArchRule NO_SERIALIZABLE = noClasses()
            .that().resideInAPackage("dev.heed..")
            .and().areNotEnums()
            .and().areNotAssignableTo(Throwable.class)
            .and(DescribedPredicate.not(TRIBUO_SUBCLASS_REFUSING_SERIALIZATION))
            .should().beAssignableTo(Serializable.class)
            .because("Heed never uses Java serialization: weights are safetensors, metadata is JSON")
            .allowEmptyShould(true);

    /** Every public top-level type in {@code dev.heed} carries {@code @API(status, since)}. */
    public static final ArchRule PUBLIC_TYPES_ANNOTATED_WITH_API = classes()
            .that().resideInAPackage("dev.heed..")
            .and().arePublic()
            .and().areTopLevelClasses()
            .and().doNotHaveSimpleName("package-info")
            .should().beAnnotatedWith(API.class)
            .because("users must see what is stable: @API(status = ..., since = ...) from apiguardian;"
                    + " INTERNAL for public types in internal packages")
            .allowEmptyShould(true);

    /** Mutable static state would leak between injectors, runs and tests. */
    public static final ArchRule NO_MUTABLE_STATIC_FIELDS = fields()
            .that().areDeclaredInClassesThat().resideInAPackage("dev.heed..")
            .and().areStatic()
            .should().beFinal()
            .because("no mutable static state: two injectors or two runs in one JVM must never share state")
            .allowEmptyShould(true);

    /** Tribuo is used only by the Tribuo bridge plugin. */
    public static final ArchRule TRIBUO_ONLY_IN_TRIBUO_PLUGIN = noClasses()
            .that().resideInAPackage("dev.heed..")
            .and().resideOutsideOfPackage("dev.heed.plugin.tribuo..")
            .should().dependOnClassesThat().resideInAPackage("org.tribuo..")
            .because("Tribuo is an optional integration confined to heed-plugin-tribuo")
            .allowEmptyShould(true);

    /** Spark is used only by a Spark plugin. */
    public static final ArchRule SPARK_ONLY_IN_SPARK_PLUGIN = noClasses()
            .that().resideInAPackage("dev.heed..")
            .and().resideOutsideOfPackage("dev.heed.plugin.spark..")
            .should().dependOnClassesThat().resideInAPackage("org.apache.spark..")
            .because("Spark is an optional integration confined to a heed-plugin-spark artifact")
            .allowEmptyShould(true);

    /** @return every rule Heed's build enforces on Heed's own classes */
    public static List<ArchRule> all() {
        List<ArchRule> rules = new ArrayList<>(moduleDag());
        rules.add(NO_FOREIGN_INTERNAL_ACCESS);
        rules.add(NO_PACKAGE_CYCLES);
        rules.add(NO_STANDARD_STREAMS_OUTSIDE_CLI);
        rules.add(NO_JAVA_UTIL_LOGGING);
        rules.add(NO_GENERIC_EXCEPTIONS);
        rules.add(NO_SERIALIZABLE);
        rules.add(PUBLIC_TYPES_ANNOTATED_WITH_API);
        rules.add(NO_MUTABLE_STATIC_FIELDS);
        rules.add(TRIBUO_ONLY_IN_TRIBUO_PLUGIN);
        rules.add(SPARK_ONLY_IN_SPARK_PLUGIN);
        return List.copyOf(rules);
    }

    /**
     * Evaluates every rule and fails once with all violations, so one run shows everything to fix.
     *
     * @param rules the rules
     * @param classes the classes to check
     * @throws AssertionError listing every violated rule and its violations
     */
    public static void checkAll(List<ArchRule> rules, JavaClasses classes) {
        StringBuilder report = new StringBuilder();
        int violated = 0;
        for (ArchRule rule : rules) {
            EvaluationResult result = rule.evaluate(classes);
            if (result.hasViolation()) {
                violated++;
                report.append(result.getFailureReport()).append(System.lineSeparator());
            }
        }
        if (violated > 0) {
            throw new AssertionError(violated + " architecture rule(s) violated:" + System.lineSeparator() + report);
        }
    }

    /**
     * {@link #checkAll(List, JavaClasses)} with {@link #all()}.
     *
     * @param classes the classes to check
     */
    public static void checkAll(JavaClasses classes) {
        checkAll(all(), classes);
    }
}
