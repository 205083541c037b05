package dev.ssb.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a run's configuration: command line over the {@code --conf} file over the shipped
 * defaults ({@code conf/ssb-local.properties} under {@code -Dssb.home}, else the same file as a
 * classpath resource so a cluster jar works without {@code conf/}) over the code defaults. Every
 * layer is checked: an unknown key or an out-of-range value is an error naming the key.
 */
public final class ConfigResolver {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigResolver.class);

    /** The shipped defaults, relative to the project home and as a classpath resource. */
    public static final String DEFAULTS_FILE = "conf/ssb-local.properties";

    private ConfigResolver() {}

    /**
     * @param confFile a properties file (Hadoop path), if given
     * @param overrides key/value pairs from the command line
     */
    public static SsbConfig resolve(Optional<String> confFile, Map<String, String> overrides) {
        return resolve(confFile, Map.of(), overrides);
    }

    /**
     * As {@link #resolve(Optional, Map)} with a command's own defaults between the shipped defaults
     * and the {@code --conf} file (a file or the command line still overrides them).
     */
    public static SsbConfig resolve(
            Optional<String> confFile,
            Map<String, String> commandDefaults,
            Map<String, String> overrides) {
        requireNonNull(confFile, "confFile is null");
        requireNonNull(commandDefaults, "commandDefaults is null");
        requireNonNull(overrides, "overrides is null");
        SortedMap<String, String> values = new TreeMap<>();
        SsbProperties.all().forEach((name, key) -> values.put(name, key.defaultValue()));
        overlay(values, shippedDefaults(), "shipped defaults");
        overlay(values, commandDefaults, "command defaults");
        if (confFile.isPresent()) {
            overlay(values, readHadoop(confFile.get()), confFile.get());
        }
        overlay(values, overrides, "command line");
        return new SsbConfig(values);
    }

    private static void overlay(
            SortedMap<String, String> values, Map<String, String> layer, String source) {
        for (Map.Entry<String, String> e : layer.entrySet()) {
            ConfigKey key = SsbProperties.all().get(e.getKey());
            if (key == null) {
                throw new IllegalArgumentException(
                        unknownKeyMessage(e.getKey()) + " [from " + source + "]");
            }
            values.put(e.getKey(), key.canonicalize(e.getValue()));
        }
    }

    /** "Unknown configuration key: x (did you mean y?)". */
    static String unknownKeyMessage(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : SsbProperties.all().keySet()) {
            int d = levenshtein(name, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        if (best != null && bestDistance <= Math.max(2, name.length() / 3)) {
            return "Unknown configuration key: " + name + " (did you mean " + best + "?)";
        }
        return "Unknown configuration key: "
                + name
                + " (all keys are listed in "
                + DEFAULTS_FILE
                + ")";
    }

    private static Map<String, String> shippedDefaults() {
        String home = System.getProperty("ssb.home");
        if (home != null) {
            Path file = Path.of(home).resolve(DEFAULTS_FILE);
            if (Files.isRegularFile(file)) {
                LOG.debug("Configuration defaults from {}", file);
                try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    return parse(r);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read " + file, e);
                }
            }
        }
        InputStream in = ConfigResolver.class.getClassLoader().getResourceAsStream(DEFAULTS_FILE);
        if (in == null) {
            LOG.debug("No shipped defaults on the classpath; using the code defaults");
            return Map.of();
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(r);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read classpath resource " + DEFAULTS_FILE, e);
        }
    }

    private static Map<String, String> readHadoop(String location) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
        try {
            FileSystem fs = path.getFileSystem(new Configuration());
            if (!fs.exists(path)) {
                throw new IllegalArgumentException(
                        "Cannot read configuration " + location + ": no such file");
            }
            try (Reader r = new InputStreamReader(fs.open(path), StandardCharsets.UTF_8)) {
                return parse(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read configuration " + location, e);
        }
    }

    static Map<String, String> parse(Reader reader) throws IOException {
        Properties props = new Properties();
        props.load(reader);
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : new java.util.TreeSet<>(props.stringPropertyNames())) {
            map.put(name, props.getProperty(name));
        }
        return map;
    }

    private static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
