#!/usr/bin/env bash
# Evaluates models/model.ckpt on the validation list with config/config_validation.json and writes the metric
# reports to eval/ (Clara's commands/validate.sh). Extra KEY=VALUE arguments override variables and globals.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/set_env.sh"
exec "$MMAR_RUNNER" validate -m "$MMAR_ROOT" -c config/config_validation.json -e config/environment.json \
  --set do_validation=true output_infer_result=false "$@"
