package dev.ssb;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.ssb.cli.SsbCommand;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * spark-job uses model-worker only through {@code dev.ssb.worker.api} and never touches DJL, so the
 * driver never loads PyTorch. The build's restrict-imports rule checks the imports; this checks the
 * compiled classes, where a fully qualified name shows too.
 */
class ModelWorkerApiRuleTest {

    @Test
    void sparkJobDependsOnModelWorkerOnlyThroughItsApi() throws URISyntaxException {
        Path classes =
                Path.of(
                        SsbCommand.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        JavaClasses sparkJob =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPath(classes.resolve("dev/ssb"));
        assertThat(sparkJob.contain(SsbCommand.class)).isTrue();
        noClasses()
                .should()
                .dependOnClassesThat(
                        resideInAPackage("dev.ssb.worker..")
                                .and(resideOutsideOfPackage("dev.ssb.worker.api..")))
                .orShould()
                .dependOnClassesThat()
                .resideInAPackage("ai.djl..")
                .because("spark-job may use model-worker only through dev.ssb.worker.api")
                .check(sparkJob);
    }
}
