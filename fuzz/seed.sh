#!/usr/bin/env bash
# Seeds the fuzz corpora from the bundled examples: `parse` gets each file
# as it is; `check` gets each file behind the byte that picks it.
set -euo pipefail
cd "$(dirname "$0")"
ex=../agreements/leicestershire-bcf-2019-20
# The same order as the `check` target: the example's files, sorted.
mapfile -t files < <(cd "$ex" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
mkdir -p corpus/parse corpus/check
for i in "${!files[@]}"; do
  f="${files[$i]}"; name="${f//\//-}"
  cp "$ex/$f" "corpus/parse/$name"
  { printf "\\x$(printf %02x "$i")"; cat "$ex/$f"; } > "corpus/check/$name"
done
cp ../agreements/leicestershire-ld-2020-24/agreement.yaml corpus/parse/ld-agreement.yaml
cp ../agreements/leicestershire-ld-2020-24/reports/cabinet-2020-03-24.yaml corpus/parse/cabinet.yaml
echo "seeded fuzz/corpus/parse and fuzz/corpus/check"
