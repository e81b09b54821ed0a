package org.telenc.engine.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The engine's package rules, on its main classes: features (encounter, action) sit on shared
 * pieces (job, intake, emr, webhook, reference, tenancy, api, ...) and nothing loops back.
 */
@AnalyzeClasses(packages = "org.telenc.engine", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    static final String ENGINE = "org.telenc.engine.";

    /** No cycle between the top-level packages (org.telenc.engine.X and everything below it). */
    @ArchTest
    static final ArchRule noCycleBetweenTopLevelPackages = slices().matching("org.telenc.engine.(*)..")
            .should().beFreeOfCycles();

    /** The adapters serve every job kind and know none: they take plain inputs and return values. */
    @ArchTest
    static final ArchRule adaptersKnowNoJobKind = noClasses().that().resideInAPackage(ENGINE + "emr..")
            .should().dependOnClassesThat().resideInAnyPackage(ENGINE + "encounter..", ENGINE + "action..",
                    ENGINE + "job..", ENGINE + "intake..");

    /** The job core is shared by the kinds and depends on none of them. */
    @ArchTest
    static final ArchRule jobCoreKnowsNoKind = noClasses().that().resideInAPackage(ENGINE + "job..")
            .should().dependOnClassesThat().resideInAnyPackage(ENGINE + "encounter..", ENGINE + "action..");

    /** The shared intake steps know no kind either. */
    @ArchTest
    static final ArchRule sharedIntakeKnowsNoKind = noClasses().that().resideInAPackage(ENGINE + "intake..")
            .should().dependOnClassesThat().resideInAnyPackage(ENGINE + "encounter..", ENGINE + "action..");

    /** One job kind never reaches into the other. */
    @ArchTest
    static final ArchRule kindsAreIndependent = slices().matching("org.telenc.engine.(encounter|action)..")
            .should().notDependOnEachOther();

    /** Sandbox-only code (the demo EMR, the demo tenant) lives in sandbox, and nothing else needs it. */
    @ArchTest
    static final ArchRule nothingDependsOnTheSandbox = noClasses().that().resideOutsideOfPackage(ENGINE + "sandbox..")
            .should().dependOnClassesThat().resideInAPackage(ENGINE + "sandbox..");
}
