package dev.ssb.cli;

import dev.ssb.spark.CheckpointCache;
import dev.ssb.spark.HadoopFiles;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.ModelWorker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ssb export}: merges a LoRA student into its base model and writes a Hugging Face
 * checkpoint any HF tool loads.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Merges a PEFT LoRA adapter into its base model (W + alpha/r * B A) and writes a"
                    + " Hugging Face checkpoint: config.json, model.safetensors (sharded above"
                    + " 5 GB), tokenizer files, generation_config.json. --out may be any Hadoop"
                    + " path (local, hdfs://, s3a://); it must not exist yet.",
            "Example: ssb export --model /models/Qwen2.5-3B-Instruct --adapter runs/r1/adapter"
                    + " --out /models/qwen-ssb --dtype bfloat16"
        })
final class ExportCommand implements Callable<Integer> {
    static final List<String> DTYPES = List.of("float32", "bfloat16", "float16");

    @Option(
            names = "--model",
            paramLabel = "CHECKPOINT",
            description =
                    "The base: an HF checkpoint folder or " + ModelWorker.EMBEDDED + " (default).")
    String model = ModelWorker.EMBEDDED;

    @Option(
            names = "--adapter",
            paramLabel = "DIR",
            description =
                    "The PEFT LoRA adapter to merge (any Hadoop path); none = the base as is.")
    String adapter;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where to write.")
    String out;

    @Option(
            names = "--dtype",
            description = "Stored weight type: float32 (default), bfloat16 or float16.")
    String dtype = "float32";

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            description = "Where to merge: cpu (default), gpu or gpu:N.")
    String device = "cpu";

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        if (!DTYPES.contains(dtype)) {
            throw new IllegalArgumentException(
                    "Invalid --dtype: " + dtype + " (float32, bfloat16 or float16)");
        }
        var conf = HadoopFiles.configuration();
        java.nio.file.Path tmp;
        try {
            tmp = Files.createTempDirectory("ssb-export-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary folder", e);
        }
        try {
            java.nio.file.Path written = tmp.resolve("checkpoint");
            try (LanguageModel lm =
                    ModelWorker.load(
                            CheckpointCache.localPath(model), GenerateCommand.device(device))) {
                if (adapter != null) {
                    GenerateCommand.applyAdapter(lm, adapter);
                }
                lm.save(written, dtype);
            }
            HadoopFiles.upload(written, out, conf);
        } finally {
            HadoopFiles.deleteLocal(tmp);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println(
                "Wrote "
                        + out
                        + " ("
                        + dtype
                        + (adapter == null ? ", base only" : ", adapter " + adapter + " merged")
                        + ")");
        w.flush();
        return 0;
    }
}
