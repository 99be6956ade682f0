#!/usr/bin/env bash
# Trains from scratch with config/config_train.json (Clara's commands/train.sh).
# Extra KEY=VALUE arguments override variables and globals, e.g. ./train.sh epochs=10 DATA_ROOT=/data/x;
# other mmar train options (--resume) may follow them.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/set_env.sh"
exec "$MMAR_RUNNER" train -m "$MMAR_ROOT" -c config/config_train.json -e config/environment.json --set "$@"
