#!/usr/bin/env bash
# Fine-tunes: trains with config/config_train.json starting from models/model.ckpt (Clara's commands/train_finetune.sh).
# Extra KEY=VALUE arguments override variables and globals; MMAR_CKPT=path starts from another checkpoint.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/set_env.sh"
exec "$MMAR_RUNNER" train -m "$MMAR_ROOT" -c config/config_train.json -e config/environment.json \
  --set MMAR_CKPT="$MMAR_ROOT/models/model.ckpt" "$@"
