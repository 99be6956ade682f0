#!/usr/bin/env bash
# Splits the ISBI 2012 EM segmentation challenge's TIFF stacks (train-volume.tif, train-labels.tif, test-volume.tif;
# 30 slices of 512x512 each) into the PNG slices config/dataset.json names, under DATA_ROOT (default: this MMAR's data/isbi2012).
#   ./prepare_isbi2012.sh FOLDER_WITH_THE_TIFS [DATA_ROOT]
# Needs Debian's python3-pil (apt-get install -y python3-pil).
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/set_env.sh"
src="${1:?usage: prepare_isbi2012.sh FOLDER_WITH_THE_TIFS [DATA_ROOT]}"
dst="${2:-$MMAR_ROOT/data/isbi2012}"
/usr/bin/python3 - "$src" "$dst" <<'PY'
import sys
from pathlib import Path
from PIL import Image, ImageSequence
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
for stack, folder in [("train-volume.tif", "train/images"), ("train-labels.tif", "train/labels"), ("test-volume.tif", "test/images")]:
    path = src / stack
    if not path.exists():
        sys.exit(f"prepare_isbi2012: {path} not found")
    out = dst / folder
    out.mkdir(parents=True, exist_ok=True)
    for i, page in enumerate(ImageSequence.Iterator(Image.open(path))):
        page.convert("L").save(out / f"slice_{i:02d}.png")
    print(f"{stack}: {i + 1} slices -> {out}")
PY
echo "now train with: $MMAR_ROOT/commands/train.sh DATA_ROOT=$dst"
