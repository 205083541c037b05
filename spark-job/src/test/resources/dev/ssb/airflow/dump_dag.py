"""Loads an Airflow DAG file against stub airflow modules and prints its tasks as JSON.

Airflow is not installed where the tests run: the stubs record what the DAG file passes to DAG and
SparkSubmitOperator and the dependencies it declares with >>.
Usage: python3 dump_dag.py DAG_FILE [RUN_ID...]: each RUN_ID is also passed through the DAG's
user-defined template filters (what Airflow applies to "{{ run_id | filter }}").
"""

import json
import runpy
import sys
import types


class DAG:
    current = None

    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.tasks = []

    def __enter__(self):
        DAG.current = self
        return self

    def __exit__(self, *exc):
        DAG.current = None
        return False


class SparkSubmitOperator:
    def __init__(self, **kwargs):
        if DAG.current is None:
            raise RuntimeError("operator created outside a DAG")
        self.kwargs = kwargs
        self.upstream = []
        DAG.current.tasks.append(self)

    def __rshift__(self, other):
        for task in other if isinstance(other, list) else [other]:
            task.upstream.append(self.kwargs["task_id"])
        return other


def module(name, **attributes):
    m = types.ModuleType(name)
    m.__dict__.update(attributes)
    sys.modules[name] = m
    return m


module("airflow", DAG=DAG)  # no airflow.sdk: the DAG file falls back to the Airflow 2 import
for name in ("airflow.providers", "airflow.providers.apache", "airflow.providers.apache.spark",
             "airflow.providers.apache.spark.operators"):
    module(name)
module("airflow.providers.apache.spark.operators.spark_submit", SparkSubmitOperator=SparkSubmitOperator)

namespace = runpy.run_path(sys.argv[1])
dags = [v for v in namespace.values() if isinstance(v, DAG)]
if len(dags) != 1:
    raise SystemExit(f"expected one DAG, found {len(dags)}")
dag = dags[0]
print(json.dumps({
    "dag_id": dag.dag_id,
    "params": dag.kwargs.get("params", {}),
    "tasks": [dict(t.kwargs, upstream=t.upstream) for t in dag.tasks],
    "filters": {name: {run_id: f(run_id) for run_id in sys.argv[2:]}
                for name, f in dag.kwargs.get("user_defined_filters", {}).items()},
}, default=str))
