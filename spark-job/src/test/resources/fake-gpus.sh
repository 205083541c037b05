#!/usr/bin/env bash
# Fake GPU discovery script for tests (Spark never checks that a GPU exists): prints the addresses
# in SSB_FAKE_GPUS (comma-separated, default "0,1") in the format of conf/spark/getGpusResources.sh.
set -euo pipefail
IFS=',' read -r -a ids <<< "${SSB_FAKE_GPUS:-0,1}"
addresses=""
for id in "${ids[@]}"; do
  addresses+="${addresses:+, }\"$id\""
done
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"
