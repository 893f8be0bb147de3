#!/usr/bin/env bash
# Benchmark (a): `s75 build` of the bundled agreements against `typst compile`
# of the same emitted .typ files, side by side in one run.
#
# Needs typst-cli 0.15 on PATH: cargo install typst-cli --version 0.15.1 --locked
# Usage: bash bench/vs-typst-cli.sh [runs]   (default 3 runs of each)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
command -v typst >/dev/null || { echo "typst-cli not found: cargo install typst-cli --version 0.15.1 --locked" >&2; exit 2; }
cargo build --release --quiet
# typst-cli needs the sources inside its --root (the project), so they go
# under target/, which git ignores.
work="target/bench-vs-typst-cli"
rm -rf "$work"; mkdir -p "$work"

# Emit the typst sources once. typst-cli is given draft inputs for every
# document (s75 marks only those with warnings; the mark costs little).
target/release/s75 build --force --emit-typst --out "$work/emit" >/dev/null 2>&1
mapfile -t sources < <(find "$work/emit" -name '*.typ' | sort)
jobs="$(nproc)"

now() { date +%s.%N; }
s75_total=0; cli_total=0
for i in $(seq "$runs"); do
  t0=$(now)
  target/release/s75 build --force --out "$work/s75" >/dev/null 2>&1
  t1=$(now)
  # The same documents with typst's own compiler, as many at once as s75 uses.
  printf '%s\n' "${sources[@]}" | xargs -P "$jobs" -I{} sh -c 'typst compile --root . --ignore-system-fonts --input draft=true --input draft-footer=DRAFT "$1" "$1.pdf" >/dev/null 2>&1' _ {}
  t2=$(now)
  s=$(awk "BEGIN{print $t1 - $t0}"); c=$(awk "BEGIN{print $t2 - $t1}")
  echo "run $i: s75 build ${s} s, typst compile ${c} s (${#sources[@]} documents, $jobs at a time)"
  s75_total=$(awk "BEGIN{print $s75_total + $s}"); cli_total=$(awk "BEGIN{print $cli_total + $c}")
done
awk "BEGIN{printf \"mean: s75 %.3f s, typst-cli %.3f s, ratio s75/typst-cli %.2f\n\", $s75_total/$runs, $cli_total/$runs, $s75_total/$cli_total}"
