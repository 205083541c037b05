package dev.ssb.config;

import static dev.ssb.config.ConfigKey.choice;
import static dev.ssb.config.ConfigKey.integer;
import static dev.ssb.config.ConfigKey.longKey;
import static dev.ssb.config.ConfigKey.real;
import static dev.ssb.config.ConfigKey.string;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key of a run, with its default next to it (Iceberg style), and whether it
 * changes results or is operational (see {@link ConfigKey.Effect}). This is the only place keys are
 * declared; {@link ConfigResolver} rejects any other key.
 *
 * <p>The sampling keys of rollout, the teacher and evaluate accept {@link ConfigKey#AUTO}: the
 * checkpoint's {@code generation_config.json} value, else their {@code *_DEFAULT} constant here,
 * resolved on the driver by {@code dev.ssb.stage.CheckpointSampling}. Temperatures and top-k
 * default to the paper's values (set, so they win over the checkpoint); top-p and repetition
 * penalty default to auto (the paper's runs took them from Qwen2.5-Instruct's generation config).
 */
public final class SsbProperties {

    private static final double NONE = Double.NaN;

    public static final String DATA_PROBLEMS = "data.problems";
    public static final String DATA_PROBLEMS_DEFAULT = "";
    public static final String DATA_FORMAT = "data.format";
    public static final String DATA_FORMAT_DEFAULT = "auto";
    public static final String DATA_FILE_FORMAT = "data.file_format";
    public static final String DATA_FILE_FORMAT_DEFAULT = "auto";
    public static final String DATA_SPLIT = "data.split";
    public static final String DATA_SPLIT_DEFAULT = "auto";
    public static final String DATA_LIMIT = "data.limit";
    public static final int DATA_LIMIT_DEFAULT = 0;
    public static final String DATA_ACCEPT_TARGET = "data.accept_target";
    public static final int DATA_ACCEPT_TARGET_DEFAULT = 0;
    public static final String DATA_PARTITIONS = "data.partitions";
    public static final int DATA_PARTITIONS_DEFAULT = 0;
    public static final String DATA_MAX_PROMPT_TOKENS = "data.max_prompt_tokens";
    public static final int DATA_MAX_PROMPT_TOKENS_DEFAULT = 0;

    public static final String MODEL_CHECKPOINT = "model.checkpoint";
    public static final String MODEL_CHECKPOINT_DEFAULT = "embedded:toy";
    public static final String MODEL_NAME = "model.name";
    public static final String MODEL_NAME_DEFAULT = "";
    public static final String MODEL_DEVICE = "model.device";
    public static final String MODEL_DEVICE_DEFAULT = "cpu";
    public static final String MODEL_DTYPE = "model.dtype";
    public static final String MODEL_DTYPE_DEFAULT = "float32";
    public static final String MODEL_BATCH_TOKENS = "model.batch_tokens";
    public static final int MODEL_BATCH_TOKENS_DEFAULT = 131_072;
    public static final String MODEL_DEVICE_FALLBACK = "model.device_fallback";
    public static final String MODEL_DEVICE_FALLBACK_DEFAULT = "none";

    public static final String ROLLOUT_SAMPLES = "rollout.samples";
    public static final int ROLLOUT_SAMPLES_DEFAULT = 4;
    public static final String ROLLOUT_TEMPERATURE = "rollout.temperature";
    public static final double ROLLOUT_TEMPERATURE_DEFAULT = 0.8;
    public static final String ROLLOUT_TOP_K = "rollout.top_k";
    public static final int ROLLOUT_TOP_K_DEFAULT = 50;
    public static final String ROLLOUT_TOP_P = "rollout.top_p";
    public static final double ROLLOUT_TOP_P_DEFAULT = 1.0;
    public static final String ROLLOUT_REPETITION_PENALTY = "rollout.repetition_penalty";
    public static final double ROLLOUT_REPETITION_PENALTY_DEFAULT = 1.0;
    public static final String ROLLOUT_MAX_NEW_TOKENS = "rollout.max_new_tokens";
    public static final int ROLLOUT_MAX_NEW_TOKENS_DEFAULT = 512;
    public static final String ROLLOUT_BATCH_SIZE = "rollout.batch_size";
    public static final int ROLLOUT_BATCH_SIZE_DEFAULT = 16;

    public static final String TEACHER_TEMPERATURE = "teacher.temperature";
    public static final double TEACHER_TEMPERATURE_DEFAULT = 0.4;
    public static final String TEACHER_MAX_NEW_TOKENS = "teacher.max_new_tokens";
    public static final int TEACHER_MAX_NEW_TOKENS_DEFAULT = 768;
    public static final String TEACHER_BATCH_SIZE = "teacher.batch_size";
    public static final int TEACHER_BATCH_SIZE_DEFAULT = 8;
    public static final String TEACHER_SHOW_WRONG_ATTEMPT = "teacher.show_wrong_attempt";
    public static final String TEACHER_SHOW_WRONG_ATTEMPT_DEFAULT = "true";

    public static final String LOGITS_TOP_K = "logits.top_k";
    public static final int LOGITS_TOP_K_DEFAULT = 20;
    public static final String LOGITS_TEMPERATURE = "logits.temperature";
    public static final double LOGITS_TEMPERATURE_DEFAULT = 2.0;
    public static final String LOGITS_BATCH_SIZE = "logits.batch_size";
    public static final int LOGITS_BATCH_SIZE_DEFAULT = 8;

    public static final String PROMPTS_SYSTEM = "prompts.system";
    public static final String PROMPTS_SYSTEM_DEFAULT = "conf/prompts/system.txt";
    public static final String PROMPTS_TEACHER = "prompts.teacher";
    public static final String PROMPTS_TEACHER_DEFAULT = "conf/prompts/teacher.txt";

    public static final String SEED = "seed";
    public static final long SEED_DEFAULT = 20251205L;
    public static final String OUT = "out";
    public static final String OUT_DEFAULT = "runs";
    public static final String RUN_ID = "run_id";
    public static final String RUN_ID_DEFAULT = "default";

    public static final String DISTILL_LORA_RANK = "distill.lora.rank";
    public static final int DISTILL_LORA_RANK_DEFAULT = 32;
    public static final String DISTILL_LORA_ALPHA = "distill.lora.alpha";
    public static final double DISTILL_LORA_ALPHA_DEFAULT = 32;
    public static final String DISTILL_LR = "distill.lr";
    public static final double DISTILL_LR_DEFAULT = 2e-4;
    public static final String DISTILL_BATCH_SIZE = "distill.batch_size";
    public static final int DISTILL_BATCH_SIZE_DEFAULT = 4;
    public static final String DISTILL_EPOCHS = "distill.epochs";
    public static final int DISTILL_EPOCHS_DEFAULT = 3;
    public static final String DISTILL_KD_TEMPERATURE = "distill.kd_temperature";
    public static final double DISTILL_KD_TEMPERATURE_DEFAULT = 2.0;
    public static final String DISTILL_LAMBDA_KD = "distill.lambda_kd";
    public static final double DISTILL_LAMBDA_KD_DEFAULT = 1.0;
    public static final String DISTILL_LAMBDA_CE = "distill.lambda_ce";
    public static final double DISTILL_LAMBDA_CE_DEFAULT = 0.0;
    public static final String DISTILL_CHECKPOINT_EVERY = "distill.checkpoint_every";
    public static final int DISTILL_CHECKPOINT_EVERY_DEFAULT = 50;
    public static final String DISTILL_LORA_TARGET_MODULES = "distill.lora.target_modules";
    public static final String DISTILL_LORA_TARGET_MODULES_DEFAULT =
            "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj";
    public static final String DISTILL_WEIGHT_DECAY = "distill.weight_decay";
    public static final double DISTILL_WEIGHT_DECAY_DEFAULT = 0.0;
    public static final String DISTILL_MAX_GRAD_NORM = "distill.max_grad_norm";
    public static final double DISTILL_MAX_GRAD_NORM_DEFAULT = 1.0;
    public static final String DISTILL_WARMUP_STEPS = "distill.warmup_steps";
    public static final int DISTILL_WARMUP_STEPS_DEFAULT = 0;
    public static final String DISTILL_SCHEDULE = "distill.schedule";
    public static final String DISTILL_SCHEDULE_DEFAULT = "constant";
    public static final String DISTILL_WORKERS = "distill.workers";
    public static final int DISTILL_WORKERS_DEFAULT = 0;
    public static final String DISTILL_KEEP_CHECKPOINTS = "distill.keep_checkpoints";
    public static final int DISTILL_KEEP_CHECKPOINTS_DEFAULT = 2;
    public static final String DISTILL_SYNC_EVERY = "distill.sync_every";
    public static final int DISTILL_SYNC_EVERY_DEFAULT = 1;
    public static final String DISTILL_LOG_EVERY = "distill.log_every";
    public static final int DISTILL_LOG_EVERY_DEFAULT = 10;

    public static final String GRPO_GROUP_SIZE = "grpo.group_size";
    public static final int GRPO_GROUP_SIZE_DEFAULT = 8;
    public static final String GRPO_PROBLEMS_PER_STEP = "grpo.problems_per_step";
    public static final int GRPO_PROBLEMS_PER_STEP_DEFAULT = 8;
    public static final String GRPO_STEPS = "grpo.steps";
    public static final int GRPO_STEPS_DEFAULT = 50;
    public static final String GRPO_MU = "grpo.mu";
    public static final int GRPO_MU_DEFAULT = 1;
    public static final String GRPO_BETA = "grpo.beta";
    public static final double GRPO_BETA_DEFAULT = 0.0;
    public static final String GRPO_CLIP_EPS = "grpo.clip_eps";
    public static final double GRPO_CLIP_EPS_DEFAULT = 0.2;
    public static final String GRPO_SCALE_REWARDS = "grpo.scale_rewards";
    public static final String GRPO_SCALE_REWARDS_DEFAULT = "std";

    public static final String EVAL_PROBLEMS = "eval.problems";
    public static final String EVAL_PROBLEMS_DEFAULT = "";
    public static final String EVAL_LIMIT = "eval.limit";
    public static final int EVAL_LIMIT_DEFAULT = 0;
    public static final String EVAL_SAMPLES = "eval.samples";
    public static final int EVAL_SAMPLES_DEFAULT = 4;
    public static final String EVAL_TEMPERATURE = "eval.temperature";
    public static final double EVAL_TEMPERATURE_DEFAULT = 0.8;
    public static final String EVAL_TOP_K = "eval.top_k";
    public static final int EVAL_TOP_K_DEFAULT = 50;
    public static final String EVAL_TOP_P = "eval.top_p";
    public static final double EVAL_TOP_P_DEFAULT = 1.0;
    public static final String EVAL_REPETITION_PENALTY = "eval.repetition_penalty";
    public static final double EVAL_REPETITION_PENALTY_DEFAULT = 1.0;
    public static final String EVAL_MAX_NEW_TOKENS = "eval.max_new_tokens";
    public static final int EVAL_MAX_NEW_TOKENS_DEFAULT = 1024;
    public static final String EVAL_BATCH_SIZE = "eval.batch_size";
    public static final int EVAL_BATCH_SIZE_DEFAULT = 16;
    public static final String EVAL_ADAPTER = "eval.adapter";
    public static final String EVAL_ADAPTER_DEFAULT = "auto";
    public static final String EVAL_TAG = "eval.tag";
    public static final String EVAL_TAG_DEFAULT = "";

    private static final Map<String, ConfigKey> KEYS = index(keys());

    private SsbProperties() {}

    private static List<ConfigKey> keys() {
        return List.of(
                string(
                                DATA_PROBLEMS,
                                DATA_PROBLEMS_DEFAULT,
                                "problems file or folder (Hadoop path)")
                        .result(),
                choice(
                                DATA_FORMAT,
                                DATA_FORMAT_DEFAULT,
                                List.of("auto", "gsm8k", "math", "aime"),
                                "record shape; auto = from file name, then field names")
                        .result(),
                choice(
                                DATA_FILE_FORMAT,
                                DATA_FILE_FORMAT_DEFAULT,
                                List.of("auto", "jsonl", "parquet"),
                                "container; auto = parquet for *.parquet or Parquet folders, else jsonl")
                        .result(),
                string(DATA_SPLIT, DATA_SPLIT_DEFAULT, "split label; auto = train/test from name")
                        .result(),
                integer(DATA_LIMIT, DATA_LIMIT_DEFAULT, 0, "read only the first N rows; 0 = all")
                        .result(),
                integer(
                                DATA_ACCEPT_TARGET,
                                DATA_ACCEPT_TARGET_DEFAULT,
                                0,
                                "roll out and curate problems in a seeded order, in rounds, until N"
                                        + " are accepted (or the data ends); 0 = every problem")
                        .result(),
                integer(
                                DATA_PARTITIONS,
                                DATA_PARTITIONS_DEFAULT,
                                0,
                                "partitions of the model stages; 0 = one per task slot")
                        .operational(),
                integer(
                                DATA_MAX_PROMPT_TOKENS,
                                DATA_MAX_PROMPT_TOKENS_DEFAULT,
                                0,
                                "longest student prompt (system + question) in tokens; longer"
                                        + " rows get PROMPT_TOO_LONG; 0 = the model's context only")
                        .result(),
                string(
                                MODEL_CHECKPOINT,
                                MODEL_CHECKPOINT_DEFAULT,
                                "HF checkpoint folder or embedded:toy")
                        .result(),
                string(
                                MODEL_NAME,
                                MODEL_NAME_DEFAULT,
                                "base model name recorded as the adapter's base_model_name_or_path"
                                        + " (e.g. Qwen/Qwen2.5-3B-Instruct); empty = the"
                                        + " checkpoint's folder name")
                        .operational(),
                choice(MODEL_DEVICE, MODEL_DEVICE_DEFAULT, List.of("cpu", "gpu"), "where to run")
                        .result(),
                choice(
                                MODEL_DTYPE,
                                MODEL_DTYPE_DEFAULT,
                                List.of("float32", "float16", "bfloat16"),
                                "compute type (float16 and bfloat16 on gpu only)")
                        .result(),
                integer(
                                MODEL_BATCH_TOKENS,
                                MODEL_BATCH_TOKENS_DEFAULT,
                                1,
                                "padded tokens per model call: sequences x (longest prompt + new"
                                        + " tokens); an item larger than it runs alone")
                        .operational(),
                integer(ROLLOUT_SAMPLES, ROLLOUT_SAMPLES_DEFAULT, 1, "K rollouts per problem")
                        .result(),
                real(
                                ROLLOUT_TEMPERATURE,
                                ROLLOUT_TEMPERATURE_DEFAULT,
                                0,
                                false,
                                NONE,
                                "sampling temperature; 0 = greedy (auto = the checkpoint's)")
                        .orAuto()
                        .result(),
                integer(
                                ROLLOUT_TOP_K,
                                ROLLOUT_TOP_K_DEFAULT,
                                0,
                                "top-k; 0 = no limit; auto = the checkpoint's")
                        .orAuto()
                        .result(),
                real(
                                ROLLOUT_TOP_P,
                                ROLLOUT_TOP_P_DEFAULT,
                                0,
                                true,
                                1,
                                "nucleus mass; auto = the checkpoint's, else 1")
                        .autoByDefault()
                        .result(),
                real(
                                ROLLOUT_REPETITION_PENALTY,
                                ROLLOUT_REPETITION_PENALTY_DEFAULT,
                                0,
                                true,
                                NONE,
                                "Hugging Face repetition penalty; 1 = off; auto = the checkpoint's, else 1")
                        .autoByDefault()
                        .result(),
                integer(ROLLOUT_MAX_NEW_TOKENS, ROLLOUT_MAX_NEW_TOKENS_DEFAULT, 1, "token budget")
                        .result(),
                integer(ROLLOUT_BATCH_SIZE, ROLLOUT_BATCH_SIZE_DEFAULT, 1, "sequences per batch")
                        .operational(),
                real(
                                TEACHER_TEMPERATURE,
                                TEACHER_TEMPERATURE_DEFAULT,
                                0,
                                false,
                                NONE,
                                "hinted teacher temperature (auto = the checkpoint's)")
                        .orAuto()
                        .result(),
                integer(TEACHER_MAX_NEW_TOKENS, TEACHER_MAX_NEW_TOKENS_DEFAULT, 1, "token budget")
                        .result(),
                integer(TEACHER_BATCH_SIZE, TEACHER_BATCH_SIZE_DEFAULT, 1, "sequences per batch")
                        .operational(),
                choice(
                                TEACHER_SHOW_WRONG_ATTEMPT,
                                TEACHER_SHOW_WRONG_ATTEMPT_DEFAULT,
                                List.of("true", "false"),
                                "show the teacher the wrong attempt; false = the ablation whose"
                                        + " prompts.teacher has no {wrong_attempt}")
                        .result(),
                integer(LOGITS_TOP_K, LOGITS_TOP_K_DEFAULT, 1, "teacher ids kept per position")
                        .result(),
                real(
                                LOGITS_TEMPERATURE,
                                LOGITS_TEMPERATURE_DEFAULT,
                                0,
                                true,
                                NONE,
                                "T of the stored log-sum-exp")
                        .result(),
                integer(LOGITS_BATCH_SIZE, LOGITS_BATCH_SIZE_DEFAULT, 1, "forward passes per batch")
                        .operational(),
                string(
                                PROMPTS_SYSTEM,
                                PROMPTS_SYSTEM_DEFAULT,
                                "tutor system prompt (file/resource)")
                        .result(),
                string(PROMPTS_TEACHER, PROMPTS_TEACHER_DEFAULT, "hinted teacher prompt template")
                        .result(),
                longKey(SEED, SEED_DEFAULT, "run seed; every random stream derives from it")
                        .result(),
                string(OUT, OUT_DEFAULT, "output root (Hadoop path)").operational(),
                string(RUN_ID, RUN_ID_DEFAULT, "run folder name under out").operational(),
                integer(DISTILL_LORA_RANK, DISTILL_LORA_RANK_DEFAULT, 1, "LoRA r").result(),
                real(DISTILL_LORA_ALPHA, DISTILL_LORA_ALPHA_DEFAULT, 0, true, NONE, "LoRA alpha")
                        .result(),
                real(DISTILL_LR, DISTILL_LR_DEFAULT, 0, true, NONE, "AdamW learning rate").result(),
                integer(DISTILL_BATCH_SIZE, DISTILL_BATCH_SIZE_DEFAULT, 1, "global batch").result(),
                integer(DISTILL_EPOCHS, DISTILL_EPOCHS_DEFAULT, 1, "epochs").result(),
                real(
                                DISTILL_KD_TEMPERATURE,
                                DISTILL_KD_TEMPERATURE_DEFAULT,
                                0,
                                true,
                                NONE,
                                "KD temperature T")
                        .result(),
                real(DISTILL_LAMBDA_KD, DISTILL_LAMBDA_KD_DEFAULT, 0, false, NONE, "KD weight")
                        .result(),
                real(DISTILL_LAMBDA_CE, DISTILL_LAMBDA_CE_DEFAULT, 0, false, NONE, "CE weight")
                        .result(),
                integer(
                                DISTILL_CHECKPOINT_EVERY,
                                DISTILL_CHECKPOINT_EVERY_DEFAULT,
                                1,
                                "steps between checkpoints")
                        .operational(),
                string(
                                DISTILL_LORA_TARGET_MODULES,
                                DISTILL_LORA_TARGET_MODULES_DEFAULT,
                                "comma-separated LoRA target modules")
                        .result(),
                real(
                                DISTILL_WEIGHT_DECAY,
                                DISTILL_WEIGHT_DECAY_DEFAULT,
                                0,
                                false,
                                NONE,
                                "AdamW decoupled weight decay")
                        .result(),
                real(
                                DISTILL_MAX_GRAD_NORM,
                                DISTILL_MAX_GRAD_NORM_DEFAULT,
                                0,
                                true,
                                NONE,
                                "clip the global gradient norm to this")
                        .result(),
                integer(
                                DISTILL_WARMUP_STEPS,
                                DISTILL_WARMUP_STEPS_DEFAULT,
                                0,
                                "linear learning-rate warmup steps")
                        .result(),
                choice(
                                DISTILL_SCHEDULE,
                                DISTILL_SCHEDULE_DEFAULT,
                                List.of("constant", "linear", "cosine"),
                                "learning-rate decay after warmup")
                        .result(),
                integer(
                                DISTILL_WORKERS,
                                DISTILL_WORKERS_DEFAULT,
                                0,
                                "gradient shards per step; 0 = number of executors")
                        .operational(),
                integer(
                                DISTILL_KEEP_CHECKPOINTS,
                                DISTILL_KEEP_CHECKPOINTS_DEFAULT,
                                0,
                                "newest checkpoints kept; 0 = all")
                        .operational(),
                integer(
                                DISTILL_SYNC_EVERY,
                                DISTILL_SYNC_EVERY_DEFAULT,
                                1,
                                "local steps between adapter averages; 1 = exact synchronous")
                        .result(),
                integer(
                                DISTILL_LOG_EVERY,
                                DISTILL_LOG_EVERY_DEFAULT,
                                1,
                                "steps between progress lines")
                        .operational(),
                integer(
                                GRPO_GROUP_SIZE,
                                GRPO_GROUP_SIZE_DEFAULT,
                                2,
                                "GRPO: completions sampled per problem (G)")
                        .result(),
                integer(
                                GRPO_PROBLEMS_PER_STEP,
                                GRPO_PROBLEMS_PER_STEP_DEFAULT,
                                1,
                                "GRPO: problems per step (B)")
                        .result(),
                integer(GRPO_STEPS, GRPO_STEPS_DEFAULT, 1, "GRPO: sampling steps").result(),
                integer(
                                GRPO_MU,
                                GRPO_MU_DEFAULT,
                                1,
                                "GRPO: optimizer updates per sampled batch (μ)")
                        .result(),
                real(GRPO_BETA, GRPO_BETA_DEFAULT, 0, false, NONE, "GRPO: weight of the KL to base")
                        .result(),
                real(GRPO_CLIP_EPS, GRPO_CLIP_EPS_DEFAULT, 0, true, 1, "GRPO: ratio clipping ε")
                        .result(),
                choice(
                                GRPO_SCALE_REWARDS,
                                GRPO_SCALE_REWARDS_DEFAULT,
                                List.of("std", "none"),
                                "GRPO: divide advantages by the group's std, or not")
                        .result(),
                string(EVAL_PROBLEMS, EVAL_PROBLEMS_DEFAULT, "held-out problems (Hadoop path)")
                        .result(),
                integer(EVAL_LIMIT, EVAL_LIMIT_DEFAULT, 0, "evaluate the first N rows; 0 = all")
                        .result(),
                integer(EVAL_SAMPLES, EVAL_SAMPLES_DEFAULT, 1, "samples n per problem and model")
                        .result(),
                real(
                                EVAL_TEMPERATURE,
                                EVAL_TEMPERATURE_DEFAULT,
                                0,
                                false,
                                NONE,
                                "evaluation temperature; 0 = greedy (auto = the checkpoint's)")
                        .orAuto()
                        .result(),
                integer(
                                EVAL_TOP_K,
                                EVAL_TOP_K_DEFAULT,
                                0,
                                "top-k; 0 = no limit; auto = the checkpoint's")
                        .orAuto()
                        .result(),
                real(
                                EVAL_TOP_P,
                                EVAL_TOP_P_DEFAULT,
                                0,
                                true,
                                1,
                                "nucleus mass; auto = the checkpoint's, else 1")
                        .autoByDefault()
                        .result(),
                real(
                                EVAL_REPETITION_PENALTY,
                                EVAL_REPETITION_PENALTY_DEFAULT,
                                0,
                                true,
                                NONE,
                                "Hugging Face repetition penalty; 1 = off; auto = the checkpoint's, else 1")
                        .autoByDefault()
                        .result(),
                integer(EVAL_MAX_NEW_TOKENS, EVAL_MAX_NEW_TOKENS_DEFAULT, 1, "token budget")
                        .result(),
                integer(EVAL_BATCH_SIZE, EVAL_BATCH_SIZE_DEFAULT, 1, "sequences per batch")
                        .operational(),
                string(
                                EVAL_ADAPTER,
                                EVAL_ADAPTER_DEFAULT,
                                "student PEFT adapter dir; auto = <out>/<run-id>/adapter if present;"
                                        + " none = base only")
                        .result(),
                string(EVAL_TAG, EVAL_TAG_DEFAULT, "label of the held-out set (eval-<tag>)")
                        .operational(),
                // deployment key (issue 18): like model.device, it decides where results are
                // computed
                choice(
                                MODEL_DEVICE_FALLBACK,
                                MODEL_DEVICE_FALLBACK_DEFAULT,
                                List.of("none", "cpu"),
                                "model.device=gpu without a CUDA libtorch: none = fail the task, cpu"
                                        + " = run on the CPU")
                        .result());
    }

    private static Map<String, ConfigKey> index(List<ConfigKey> keys) {
        Map<String, ConfigKey> map = new LinkedHashMap<>();
        for (ConfigKey key : keys) {
            if (map.put(key.name(), key) != null) {
                throw new IllegalStateException("Duplicate configuration key: " + key.name());
            }
            key.canonicalize(key.defaultValue()); // a default must satisfy its own range
            if (key.effect() == ConfigKey.Effect.UNDECLARED) {
                throw new IllegalStateException(
                        "Invalid configuration key "
                                + key.name()
                                + ": declare whether it changes results (.result()) or only how"
                                + " they are computed (.operational())");
            }
        }
        return Collections.unmodifiableMap(map);
    }

    /** All keys, in declaration order. */
    public static Map<String, ConfigKey> all() {
        return KEYS;
    }
}
