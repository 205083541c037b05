"""Airflow DAG of one ssb run: one task per declared stage, in pipeline order.

The stages come from ``ssb_stages.json`` beside this file, the output of ``ssb stages --json`` (the project's
tests check that it equals the declarations, and that this DAG's tasks equal them): ingest -> rollout ->
curate -> teacher-logits -> distill -> evaluate today. The jar's name comes from ``ssb_build.json`` beside it
(the tests check it against the pom's version). Deploy the three files together; after a change to the
stages, regenerate the first with ``ssb stages --json > conf/airflow/ssb_stages.json``.

Each stage is one spark-submit of the ssb cluster jar (client deploy mode: the driver runs on the Airflow
worker, which needs Java 17 and a Spark 4 client). The run id is Airflow's ``run_id`` made a valid ssb run id
(``ssb_run_id`` below: ``manual__2025-01-01T10:00:00.123456+00:00`` -> ``manual__2025-01-01T10-00-00.123456-00-00``),
so two manual triggers on one day write two run folders, while a retry or a cleared task of one DAG run
writes into the same one. Every task is idempotent: a stage whose tables are committed with the same settings
is a no-op, and distill continues from its newest checkpoint (``--resume``). A task that runs past
``EXECUTION_TIMEOUT`` is killed (and retried): raise it for a larger model or data set.

Configuration, all optional, with the defaults below:
  Connection         spark_default: its host is the master (spark://host:7077, yarn, k8s://...)
  Airflow Variables  ssb_jar (the application jar), ssb_executor_memory, ssb_executors (read when a task
                     runs, through templates, not when the DAG file is parsed)
  DAG params         out, problems, model, ssb_conf (the ssb run configuration, a Hadoop path),
                     eval_problems, eval_tag; override per run with
                     ``airflow dags trigger ssb --conf '{"problems": "hdfs:///data/gsm8k_train.jsonl"}'``

Every task's arguments are accepted by ``ssb <stage> --dry-run`` (the project's tests check it): add
``--dry-run`` to a task's application_args to check configuration and input paths without a Spark job.
"""

from __future__ import annotations

import datetime
import json
import os
import re

try:  # Airflow 3
    from airflow.sdk import DAG
except ImportError:  # Airflow 2.x
    from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# Spark 4 on Java 17 (Arrow, Kryo, Netty reflection) - the same flags as the parent pom's ssb.module.flags.
JAVA_17_FLAGS = " ".join(
    ["-XX:+IgnoreUnrecognizedVMOptions", "--add-modules=jdk.incubator.vector"]
    + [
        f"--add-opens=java.base/{package}=ALL-UNNAMED"
        for package in (
            "java.lang",
            "java.lang.invoke",
            "java.lang.reflect",
            "java.io",
            "java.net",
            "java.nio",
            "java.util",
            "java.util.concurrent",
            "java.util.concurrent.atomic",
            "jdk.internal.ref",
            "sun.nio.ch",
            "sun.nio.cs",
            "sun.security.action",
            "sun.util.calendar",
        )
    ]
    + [
        "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
        "-Dio.netty.tryReflectionSetAccessible=true",
    ]
)

# DJL: never download (executors have no internet); one intra-op thread per task (the GPU does the work).
DJL_FLAGS = "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1"

SPARK_CONF = {
    "spark.driver.extraJavaOptions": f"{JAVA_17_FLAGS} {DJL_FLAGS}",
    "spark.executor.extraJavaOptions": f"{JAVA_17_FLAGS} {DJL_FLAGS}",
    "spark.executor.memory": "{{ var.value.get('ssb_executor_memory', '24g') }}",
    "spark.executor.instances": "{{ var.value.get('ssb_executors', '4') }}",
    # one model per executor, one GPU per executor and per task
    "spark.executor.cores": "1",
    "spark.executor.resource.gpu.amount": "1",
    "spark.task.resource.gpu.amount": "1",
    "spark.executorEnv.DJL_OFFLINE": "true",
    "spark.executorEnv.DJL_CACHE_DIR": "/tmp/ssb-djl",
    # CUDA libtorch 2.7.1 on every GPU node (the jar has none that can use a GPU; DJL is offline)
    "spark.executorEnv.PYTORCH_LIBRARY_PATH": "{{ var.value.get('ssb_torch_lib', '/opt/torch-2.7.1-cu128/lib') }}",
    "spark.executorEnv.PYTORCH_FLAVOR": "{{ var.value.get('ssb_torch_flavor', 'cu128') }}",
}

HERE = os.path.dirname(os.path.abspath(__file__))

# What the build names the jar (ssb_build.json); the DAG's Spark settings are for GPU executors.
with open(os.path.join(HERE, "ssb_build.json"), encoding="utf-8") as f:
    BUILD = json.load(f)
DEFAULT_JAR = "/opt/ssb/" + BUILD["cluster_gpu_jar"]

# A stage that runs longer is killed and retried; distill at 3B on 8 GPUs takes hours, not days.
EXECUTION_TIMEOUT = datetime.timedelta(hours=12)


def ssb_run_id(airflow_run_id: str) -> str:
    """Airflow's run_id as an ssb run id ([A-Za-z0-9][A-Za-z0-9._-]*): other characters become '-'."""
    sanitised = re.sub(r"[^A-Za-z0-9._-]+", "-", airflow_run_id).strip("-._")
    if not sanitised:
        raise ValueError(f"Invalid Airflow run_id for an ssb run id: {airflow_run_id!r}")
    return sanitised


# Every stage: the same run folder (of this DAG run), the same configuration file and model.
COMMON_ARGS = [
    "--conf",
    "{{ params.ssb_conf }}",
    "--out",
    "{{ params.out }}",
    "--run-id",
    "{{ run_id | ssb_run_id }}",
    "--model",
    "{{ params.model }}",
]

# Every stage gets the same configuration, so every manifest records the same settings; each stage reads
# the keys it declares (data.problems for ingest, eval.problems and eval.tag for evaluate).
CONFIG_ARGS = [
    "--set",
    "data.problems={{ params.problems }}",
    "--set",
    "eval.problems={{ params.eval_problems }}",
    "--set",
    "eval.tag={{ params.eval_tag }}",
]

# The declared stages (ssb stages --json), in pipeline order.
with open(os.path.join(HERE, "ssb_stages.json"), encoding="utf-8") as f:
    STAGES = json.load(f)

with DAG(
    dag_id="ssb",
    description="Semantic Soft Bootstrapping: rollouts, hinted teacher, top-k logits, LoRA distillation",
    schedule=None,
    start_date=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    max_active_runs=1,
    user_defined_filters={"ssb_run_id": ssb_run_id},
    default_args={"retries": 2, "retry_delay": datetime.timedelta(minutes=5)},
    params={
        "out": "hdfs:///ssb/runs",
        "problems": "hdfs:///ssb/datasets/gsm8k_train.jsonl",
        "model": "hdfs:///ssb/models/Qwen2.5-3B-Instruct",
        "ssb_conf": "/opt/ssb/conf/ssb-cluster.properties",
        "eval_problems": "hdfs:///ssb/datasets/math500.jsonl",
        "eval_tag": "math500",
    },
    tags=["ssb", "spark"],
) as dag:
    previous = None
    for stage in STAGES:
        name = stage["name"]
        task = SparkSubmitOperator(
            task_id=name.replace("-", "_"),
            name=f"ssb-{name}-{{{{ run_id | ssb_run_id }}}}",
            conn_id="spark_default",
            application="{{ var.value.get('ssb_jar', '" + DEFAULT_JAR + "') }}",
            java_class="dev.ssb.cli.SsbCommand",
            deploy_mode="client",
            conf=SPARK_CONF,
            application_args=[name] + COMMON_ARGS + CONFIG_ARGS + (["--resume"] if stage["resumable"] else []),
            execution_timeout=EXECUTION_TIMEOUT,
            verbose=False,
        )
        if previous is not None:
            previous >> task
        previous = task
