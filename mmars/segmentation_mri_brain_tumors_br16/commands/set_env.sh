#!/usr/bin/env bash
# Sourced by the other scripts (Clara's commands/set_env.sh): sets MMAR_ROOT to this MMAR and MMAR_RUNNER to the mmar runner.
# The runner is, in order: $MMAR_RUNNER if set, the ./mmar launcher of the repository holding this MMAR, or `mmar` on PATH.
MMAR_ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
export MMAR_ROOT
if [[ -z "${MMAR_RUNNER:-}" ]]; then
  if [[ -x "$MMAR_ROOT/../../mmar" ]]; then
    MMAR_RUNNER="$(cd "$MMAR_ROOT/../.." && pwd)/mmar"
  elif command -v mmar >/dev/null 2>&1; then
    MMAR_RUNNER="$(command -v mmar)"
  else
    echo "$(basename "$0"): cannot find the mmar runner: set MMAR_RUNNER to its path, or put mmar on PATH" >&2
    exit 1
  fi
fi
export MMAR_RUNNER
