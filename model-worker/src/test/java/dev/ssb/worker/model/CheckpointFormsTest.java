package dev.ssb.worker.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.RopeScaling;
import dev.ssb.worker.io.CheckpointDirectory;
import dev.ssb.worker.io.CheckpointWriter;
import dev.ssb.worker.io.ConfigJson;
import dev.ssb.worker.io.Dtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random tiny checkpoints written to disk with their config in transformers 4 form ({@code
 * rope_theta} + {@code rope_scaling}) and transformers 5 form ({@code rope_parameters}), loaded as
 * a user's checkpoint would be, against the double-precision {@link ReferenceModel}; plus
 * transformers' llama3 inverse frequencies as a numpy golden.
 */
class CheckpointFormsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;

    enum Form {
        TRANSFORMERS_4,
        TRANSFORMERS_4_TYPE_KEY,
        TRANSFORMERS_5
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                        TinyModels.qwen3(true),
                        TinyModels.qwen3(false),
                        TinyModels.llama3(),
                        TinyModels.llamaLinear())
                .flatMap(c -> Stream.of(Form.values()).map(f -> Arguments.of(c, f)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void writtenCheckpointMatchesTheReference(ModelConfig config, Form form) throws Exception {
        InMemoryTensorSource weights = TinyModels.randomWeights(config, 31);
        Path dir = tmp.resolve("ckpt");
        CheckpointWriter.write(dir, config, weights, CheckpointWriter.Options.of(Dtype.F32, null));
        rewriteConfig(dir.resolve(ConfigJson.CONFIG_FILE), form);
        ModelConfig read = ConfigJson.read(dir);
        assertThat(read).isEqualTo(config);
        int[] ids = {4, 19, 33, 0, 7, 7, 12, 40, 3, 28, 11};
        double[][] expected = new ReferenceModel(config, weights).logits(ids);
        try (CheckpointDirectory files = CheckpointDirectory.open(dir);
                Transformer model =
                        Transformer.create(read, files, Device.cpu(), DataType.FLOAT32)) {
            float[][] actual = TransformerTest.fullLogits(model, ids);
            for (int t = 0; t < ids.length; t++) {
                for (int v = 0; v < expected[t].length; v++) {
                    assertThat((double) actual[t][v])
                            .as("%s %s position %s id %s", config.modelType(), form, t, v)
                            .isCloseTo(expected[t][v], org.assertj.core.data.Offset.offset(1e-4));
                }
            }
        }
    }

    @Test
    void modelAndLoaderExpectTheSameTensors() {
        for (ModelConfig c : TinyModels.all()) {
            var io = dev.ssb.worker.io.ExpectedWeights.forConfig(c).shapes();
            var model = WeightNames.expected(c);
            assertThat(model.keySet()).containsExactlyInAnyOrderElementsOf(io.keySet());
            model.forEach((k, v) -> assertThat(v).as(k).containsExactly(io.get(k)));
        }
    }

    @Test
    void ropeScalingChangesTheLogits() {
        // the reference is sensitive to the scaling: a loader that ignored it would fail above
        ModelConfig scaled = TinyModels.llama3();
        ModelConfig plain = scaled.withRopeScaling(RopeScaling.NONE);
        InMemoryTensorSource weights = TinyModels.randomWeights(scaled, 31);
        int[] ids = {4, 19, 33, 0, 7, 7, 12, 40, 3, 28, 11};
        double[][] a = new ReferenceModel(scaled, weights).logits(ids);
        double[][] b = new ReferenceModel(plain, weights).logits(ids);
        double max = 0;
        for (int v = 0; v < a[ids.length - 1].length; v++) {
            max = Math.max(max, Math.abs(a[ids.length - 1][v] - b[ids.length - 1][v]));
        }
        assertThat(max).isGreaterThan(1e-3);
    }

    /**
     * Llama 3.1-8B (theta 500000, head_dim 128, factor 8, 1, 4, 8192): transformers' {@code
     * _compute_llama3_parameters} transcribed in numpy 2.4.6 float32 on this machine.
     */
    @Test
    void llama3FrequenciesMatchNumpyGolden() {
        double[] golden = {
            1.0,
            0.8146172165870667,
            0.663601279258728,
            0.5405809879302979,
            0.44036662578582764,
            0.3587302267551422,
            0.2922278344631195,
            0.2380538135766983,
            0.193922758102417,
            0.1579728126525879,
            0.12868738174438477,
            0.10483095049858093,
            0.08539710193872452,
            0.06956595182418823,
            0.05666961893439293,
            0.046164050698280334,
            0.03760603070259094,
            0.030634520575404167,
            0.02495540864765644,
            0.020329104736447334,
            0.016560440883040428,
            0.013490419834852219,
            0.010989529080688953,
            0.008952259086072445,
            0.00729266507551074,
            0.005940730683505535,
            0.00483942124992609,
            0.003942275885492563,
            0.0032114461064338684,
            0.0021665706299245358,
            0.0013718936825171113,
            0.0008567514596506953,
            0.0005248460220173001,
            0.0003126936499029398,
            0.0001785077911335975,
            9.556212171446532e-05,
            7.784655463183299e-05,
            6.341514381347224e-05,
            5.165906986803748e-05,
            4.208236714475788e-05,
            3.428102354519069e-05,
            2.7925909307668917e-05,
            2.2748929040972143e-05,
            1.8531669411459006e-05,
            1.5096217794052791e-05,
            1.2297638932068367e-05,
            1.0017868589784484e-05,
            8.160727702488657e-06,
            6.647869668086059e-06,
            5.415469331637723e-06,
            4.411534519022098e-06,
            3.593711880967021e-06,
            2.927499735960737e-06,
            2.3847917418606812e-06,
            1.9426925064180978e-06,
            1.5825507944100536e-06,
            1.289173155782919e-06,
            1.050182618200779e-06,
            8.554969213037111e-07,
            6.969025321268418e-07,
            5.677088097399974e-07,
            4.6246537976912805e-07,
            3.76732259610435e-07,
            3.068925877869333e-07
        };
        ModelConfig llama31 =
                new ModelConfig(
                                "llama",
                                4096,
                                14336,
                                32,
                                32,
                                8,
                                128,
                                500000.0,
                                1e-5,
                                128256,
                                false,
                                false,
                                131072,
                                128000,
                                List.of(128001))
                        .withRopeScaling(RopeScaling.llama3(8, 1, 4, 8192));
        float[] actual = RotaryFrequencies.of(llama31);
        assertThat(actual).hasSize(golden.length);
        for (int j = 0; j < golden.length; j++) {
            assertThat((double) actual[j])
                    .as("pair %s", j)
                    .isCloseTo(golden[j], org.assertj.core.data.Percentage.withPercentage(1e-4));
            assertThat(ReferenceModel.inverseFrequency(llama31, j))
                    .isCloseTo(golden[j], org.assertj.core.data.Percentage.withPercentage(1e-4));
        }
    }

    /**
     * Rewrites the config.json CheckpointWriter wrote (transformers 4, rope_type) into {@code
     * form}.
     */
    static void rewriteConfig(Path file, Form form) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(file));
        if (form == Form.TRANSFORMERS_4) {
            return;
        }
        if (form == Form.TRANSFORMERS_4_TYPE_KEY) {
            if (root.get("rope_scaling").isObject()) {
                ObjectNode s = (ObjectNode) root.get("rope_scaling");
                s.set("type", s.remove("rope_type"));
            }
        } else {
            ObjectNode params = JSON.createObjectNode();
            params.set("rope_theta", root.remove("rope_theta"));
            if (root.get("rope_scaling").isObject()) {
                params.setAll((ObjectNode) root.get("rope_scaling"));
            } else {
                params.put("rope_type", "default");
            }
            root.remove("rope_scaling");
            root.set("rope_parameters", params);
        }
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
}
