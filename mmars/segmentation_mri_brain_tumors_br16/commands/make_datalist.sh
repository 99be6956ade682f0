#!/usr/bin/env bash
# Writes config/dataset.json for a BraTS 2018-style training folder: every case folder <DATA_ROOT>/<grade>/<case>/
# holding <case>_t1ce, _t1, _t2, _flair and _seg .nii.gz files becomes one item (channels T1c, T1, T2, FLAIR);
# every fifth case, in sorted order, goes to "validation", the rest to "training".
#   ./make_datalist.sh /data/MICCAI_BraTS_2018_Data_Training
set -euo pipefail
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/set_env.sh"
root="${1:?usage: make_datalist.sh DATA_ROOT}"
root="$(cd "$root" && pwd)"
training=() validation=() n=0
while IFS= read -r seg; do
  dir="$(dirname "$seg")"; case_id="$(basename "$dir")"; rel="${dir#"$root"/}/$case_id"
  for m in t1ce t1 t2 flair; do [[ -f "$dir/${case_id}_$m.nii.gz" ]] || { echo "skipping $case_id: no ${case_id}_$m.nii.gz" >&2; continue 2; }; done
  item="    { \"image\": [\"${rel}_t1ce.nii.gz\", \"${rel}_t1.nii.gz\", \"${rel}_t2.nii.gz\", \"${rel}_flair.nii.gz\"], \"label\": \"${rel}_seg.nii.gz\" }"
  if (( n % 5 == 4 )); then validation+=("$item"); else training+=("$item"); fi
  n=$((n + 1))
done < <(find "$root" -mindepth 3 -maxdepth 3 -name '*_seg.nii.gz' | LC_ALL=C sort)
(( ${#training[@]} > 0 && ${#validation[@]} > 0 )) || { echo "found only $n case(s) under $root; expected <grade>/<case>/<case>_seg.nii.gz" >&2; exit 1; }
join() { local IFS=$'\n'; local first=1; for line in "$@"; do ((first)) || printf ',\n'; printf '%s' "$line"; first=0; done; printf '\n'; }
out="$MMAR_ROOT/config/dataset.json"
{
  printf '{\n  "description": "BraTS cases under %s; channels T1c, T1, T2, FLAIR",\n' "$root"
  printf '  "labels": { "0": "background", "1": "necrotic and non-enhancing tumour core", "2": "peritumoral oedema", "4": "GD-enhancing tumour" },\n'
  printf '  "training": [\n'; join "${training[@]}"; printf '  ],\n'
  printf '  "validation": [\n'; join "${validation[@]}"; printf '  ]\n}\n'
} > "$out.tmp" && mv "$out.tmp" "$out"
echo "wrote $out: ${#training[@]} training, ${#validation[@]} validation case(s); now train with: $MMAR_ROOT/commands/train.sh DATA_ROOT=$root"
