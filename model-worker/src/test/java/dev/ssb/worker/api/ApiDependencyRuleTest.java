package dev.ssb.worker.api;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The api package holds interfaces and value types and depends on no other package of ssb: its
 * implementations are found with {@link java.util.ServiceLoader} (docs/api.md). Checked twice: on
 * the compiled classes (a fully qualified call is caught as well as an import) and on the sources
 * (a constant the compiler inlined or a javadoc link leaves no trace in the bytecode).
 */
class ApiDependencyRuleTest {

    private static final String API = "dev.ssb.worker.api";

    /** Surefire runs in the module directory. */
    private static final Path API_SOURCES = Path.of("src/main/java/dev/ssb/worker/api");

    private static final Pattern PROJECT_NAME = Pattern.compile("dev\\.ssb(\\.\\w+)*");

    private static ArchRule apiDependsOnNoOtherProjectPackage() {
        return noClasses()
                .that()
                .resideInAPackage(API + "..")
                .should()
                .dependOnClassesThat(
                        resideInAPackage("dev.ssb..").and(resideOutsideOfPackage(API + "..")))
                .because("the api's implementations are found with ServiceLoader");
    }

    @Test
    void theCompiledApiDependsOnNoOtherProjectPackage() throws URISyntaxException {
        // the api's own class folder: scanning the whole classpath for the package takes ~15 s
        Path classes =
                Path.of(
                        ModelWorker.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        JavaClasses api =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPath(classes.resolve(API.replace('.', '/')));
        assertThat(api.contain(TeacherPromptTemplate.class)).isTrue();
        assertThat(api.contain(ModelWorker.class)).isTrue();
        apiDependsOnNoOtherProjectPackage().check(api);
    }

    @Test
    void theRuleCatchesAFullyQualifiedCallIntoAnImplementationPackage() {
        JavaClasses violating = new ClassFileImporter().importClasses(Violation.class);
        assertThat(apiDependsOnNoOtherProjectPackage().evaluate(violating).hasViolation()).isTrue();
    }

    @Test
    void theApiSourcesNameNoOtherProjectPackage() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(API_SOURCES)) {
            files = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertThat(files)
                .as("api sources under " + API_SOURCES.toAbsolutePath())
                .hasSizeGreaterThan(30);
        List<String> offences = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = PROJECT_NAME.matcher(lines.get(i));
                while (m.find()) {
                    if (!m.group().equals(API) && !m.group().startsWith(API + ".")) {
                        offences.add(file.getFileName() + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        assertThat(offences).as("names of other ssb packages in the api's sources").isEmpty();
    }

    /** What the rule forbids: an api-package class calling into the io package. */
    static final class Violation {
        static Object load(Path dir) {
            return dev.ssb.worker.io.PeftAdapters.load(dir);
        }
    }
}
