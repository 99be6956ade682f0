#!/usr/bin/env bash
# Data-parallel training over MPI (Clara's train_2gpu.sh, which launched Horovod the same way):
#   ./train_mpi.sh [RANKS] [KEY=VALUE ...]
# RANKS (default 2) processes train one model: each takes its slice of every global batch (RANKS × the pipeline's
# batch size), gradients are averaged before every step, and rank 0 alone writes models/ and the logs. With CUDA each
# rank trains on one GPU of its machine. An epoch then takes 1/RANKS of the steps, so raise epochs (or, as Clara's
# examples do, the learning rate) to train as long as one process would.
# Hosts and network options for mpirun come from MPIRUN_OPTIONS, e.g. MPIRUN_OPTIONS="--hostfile hosts -x PATH".
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/set_env.sh"
ranks=2
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then ranks="$1"; shift; fi
as_root=()
[[ "$(id -u)" -eq 0 ]] && as_root=(--allow-run-as-root)
# shellcheck disable=SC2086 # MPIRUN_OPTIONS is a list of options on purpose
exec mpirun -np "$ranks" --bind-to none --map-by slot "${as_root[@]}" ${MPIRUN_OPTIONS:-} \
  "$MMAR_RUNNER" train -m "$MMAR_ROOT" -c config/config_train.json -e config/environment.json --distributed mpi --set "$@"
