package dev.ssb.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.pipeline.Stages;
import dev.ssb.stage.Stage;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ssb stages}: the declared stages, in pipeline order. */
@Command(
        name = "stages",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the stages of ssb run in order: command, input and output tables, the key"
                    + " prefixes whose result keys make up the stage hash, input paths.",
            "With --json, the list a scheduler builds its tasks from (conf/airflow/ssb_stages.json"
                    + " is its output).",
            "Example: ssb stages --json > conf/airflow/ssb_stages.json"
        })
final class StagesCommand implements Callable<Integer> {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--json", description = "Print JSON (one object per stage).")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(Stages.ALL));
        } else {
            for (Stage s : Stages.ALL) {
                out.printf(
                        "%-15s reads %s%s, writes %s; hash over %s%s%n",
                        s.name(),
                        s.inputs(),
                        s.paths().isEmpty() ? "" : " and " + s.paths(),
                        s.outputs(),
                        s.resultKeys(),
                        s.has(Stage.Trait.RESUMABLE) ? "; --resume" : "");
            }
        }
        out.flush();
        return 0;
    }

    /** The declarations as a JSON array (what {@code --json} prints). */
    static String json(List<Stage> stages) {
        ArrayNode array = JSON.createArrayNode();
        for (Stage s : stages) {
            ObjectNode node = array.addObject();
            node.put("name", s.name());
            node.put("command", "ssb " + s.name());
            node.put("summary", s.description().get(0));
            s.inputs().forEach(node.putArray("inputs")::add);
            s.outputs().forEach(node.putArray("outputs")::add);
            s.resultKeys().forEach(node.putArray("result_keys")::add);
            s.paths().forEach(node.putArray("paths")::add);
            s.flags().keySet().forEach(node.putArray("flags")::add);
            node.put("model", s.has(Stage.Trait.MODEL));
            node.put("resumable", s.has(Stage.Trait.RESUMABLE));
            node.put("optional", s.has(Stage.Trait.OPTIONAL));
        }
        try {
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write the stages as JSON", e);
        }
    }
}
