#!/usr/bin/env bash
# Segments images with models/model.ckpt and config/config_validation.json (Clara's commands/infer.sh).
#   ./infer.sh                 every item of the datalist's list DATA_LIST_KEY (default: validation), written to eval/
#   ./infer.sh FILE_OR_DIR     one image, or every image in a folder
# Further mmar infer options (-o DIR) may follow.
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/set_env.sh"
if [[ $# -gt 0 && "$1" != -* ]]; then
  source=(--input "$1"); shift
else
  source=(--datalist-key "${DATA_LIST_KEY:-validation}")
fi
exec "$MMAR_RUNNER" infer -m "$MMAR_ROOT" "${source[@]}" "$@"
