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

# Wall and CPU (user + system) seconds of one command, from bash's `time`.
TIMEFORMAT='%R %U %S'
measure() { { time "$@" >/dev/null 2>&1; } 2>&1 | awk '{printf "%s %s\n", $1, $2 + $3}'; }
typst_all() {
  printf '%s\n' "${sources[@]}" | xargs -P "$jobs" -I{} sh -c 'typst compile --root . --ignore-system-fonts --input draft=true --input draft-footer=DRAFT "$1" "$1.pdf" >/dev/null 2>&1' _ {}
}
s75_wall=0; s75_cpu=0; cli_wall=0; cli_cpu=0
for i in $(seq "$runs"); do
  read -r sw sc < <(measure target/release/s75 build --force --out "$work/s75")
  # The same documents with typst's own compiler, as many at once as s75 uses.
  read -r cw cc < <(measure typst_all)
  echo "run $i: s75 build ${sw} s (cpu ${sc} s), typst compile ${cw} s (cpu ${cc} s) (${#sources[@]} documents, $jobs at a time)"
  s75_wall=$(awk "BEGIN{print $s75_wall + $sw}"); s75_cpu=$(awk "BEGIN{print $s75_cpu + $sc}")
  cli_wall=$(awk "BEGIN{print $cli_wall + $cw}"); cli_cpu=$(awk "BEGIN{print $cli_cpu + $cc}")
done
awk "BEGIN{printf \"mean wall: s75 %.3f s, typst-cli %.3f s, ratio s75/typst-cli %.2f\n\", $s75_wall/$runs, $cli_wall/$runs, $s75_wall/$cli_wall}"
awk "BEGIN{printf \"mean cpu:  s75 %.3f s, typst-cli %.3f s, ratio s75/typst-cli %.2f\n\", $s75_cpu/$runs, $cli_cpu/$runs, $s75_cpu/$cli_cpu}"
