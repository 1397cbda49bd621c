#!/usr/bin/env bash
# Builds the fuzz targets with AFL++ instrumentation (stable toolchain) and
# fuzzes each for a bounded time, one after another. See ../FUZZING.md.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Findings land in fuzz/out/TARGET/default/{crashes,hangs}; figures in
# fuzz/out/TARGET/default/fuzzer_stats.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-300}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse_page sanitize wrap message_block)
fi

cargo afl build --release

# Unattended, bounded runs: no UI; don't stop because the CPU governor, core
# dumps or affinity (other builds may hold the cores) are not as AFL likes.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1

mkdir -p out
for target in "${targets[@]}"; do
  echo "== $target: ${seconds}s"
  # An existing output directory is resumed (-i -), else start from the seeds.
  input="seeds/$target"
  [ -d "out/$target/default/queue" ] && input=-
  # -V: stop after this many seconds.
  cargo afl fuzz -i "$input" -o "out/$target" -V "$seconds" "target/release/$target" >"out/$target.log" 2>&1
  grep -E '^(execs_done|execs_per_sec|corpus_count|edges_found|total_edges|saved_crashes|saved_hangs|run_time)' \
    "out/$target/default/fuzzer_stats" | sed "s/^/  /"
done
