#!/usr/bin/env bash
# GPU discovery script for Spark (spark.worker.resource.gpu.discoveryScript, or
# spark.executor.resource.gpu.discoveryScript outside standalone mode), as Spark's example
# examples/src/main/scripts/getGpusResources.sh: prints the CUDA indices of this machine's GPUs as
#   {"name": "gpu", "addresses": ["0", "1"]}
# It fails loudly (non-zero exit, message on stderr) when nvidia-smi is missing or lists no GPU,
# so a worker configured for GPUs does not start without them.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "getGpusResources.sh: nvidia-smi not found on PATH" >&2
  exit 1
fi

indices="$(nvidia-smi --query-gpu=index --format=csv,noheader)"
addresses=""
while IFS= read -r index; do
  index="${index//[[:space:]]/}"
  [[ -z "$index" ]] && continue
  if [[ ! "$index" =~ ^[0-9]+$ ]]; then
    echo "getGpusResources.sh: unexpected GPU index from nvidia-smi: '$index'" >&2
    exit 1
  fi
  addresses+="${addresses:+, }\"$index\""
done <<< "$indices"

if [[ -z "$addresses" ]]; then
  echo "getGpusResources.sh: nvidia-smi lists no GPU" >&2
  exit 1
fi
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
