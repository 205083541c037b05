"""Airflow DAG of one ssb run: one task per declared stage, in pipeline order.

The stages come from ``ssb_stages.json`` beside this file, the output of ``ssb stages --json`` (the project's
tests check that it equals the declarations, and that this DAG's tasks equal them): ingest -> rollout ->
curate -> teacher-logits -> distill -> evaluate today. Deploy both files together; after a change to the
stages, regenerate it with ``ssb stages --json > conf/airflow/ssb_stages.json``.

Each stage is one spark-submit of the ssb cluster jar (client deploy mode: the driver runs on the Airflow
worker, which needs Java 17 and a Spark 4 client). The run id is the logical date (``{{ ds_nodash }}``), so a
retry or a re-run of a DAG run writes into the same run folder, and every task is idempotent: a stage whose
tables are committed with the same settings is a no-op, and distill continues from its newest checkpoint
(``--resume``).

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

# Every stage: the same run folder (logical date), the same configuration file and model.
COMMON_ARGS = [
    "--conf",
    "{{ params.ssb_conf }}",
    "--out",
    "{{ params.out }}",
    "--run-id",
    "{{ ds_nodash }}",
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
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "ssb_stages.json"), encoding="utf-8") as f:
    STAGES = json.load(f)

with DAG(
    dag_id="ssb",
    description="Semantic Soft Bootstrapping: rollouts, hinted teacher, top-k logits, LoRA distillation",
    schedule=None,
    start_date=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    max_active_runs=1,
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
            name=f"ssb-{name}-{{{{ ds_nodash }}}}",
            conn_id="spark_default",
            application="{{ var.value.get('ssb_jar', '/opt/ssb/ssb-0.1.0-cluster.jar') }}",
            java_class="dev.ssb.cli.SsbCommand",
            deploy_mode="client",
            conf=SPARK_CONF,
            application_args=[name] + COMMON_ARGS + CONFIG_ARGS + (["--resume"] if stage["resumable"] else []),
            verbose=False,
        )
        if previous is not None:
            previous >> task
        previous = task
