#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) in
# BUILD_DIR and runs each for SECONDS (default 20) on a copy of its seed
# corpus, so the seeds in the repository stay as they are. Exits non-zero
# when a target finds a crash, naming the input that reproduces it; exits 0
# with a note when clang (or its libFuzzer) is not installed.
#   tests/fuzz/run.sh BUILD_DIR [SECONDS]
# Reproduce a finding: BUILD_DIR/tests/fuzz/fuzz_NAME PATH_OF_THE_INPUT
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [SECONDS]" >&2
  exit 2
fi
build=$1
seconds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
targets="csv value phrase"

clang=${CLANG:-clang}
if ! command -v "$clang" >/dev/null 2>&1; then
  echo "fuzz: clang is not installed; the fuzz targets are not built (./scripts/install-deps.sh clang libclang-rt-14-dev)"
  exit 0
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' > "$probe/probe.c"
if ! "$clang" -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" >/dev/null 2>&1; then
  echo "fuzz: $clang cannot link -fsanitize=fuzzer here (no libFuzzer runtime: ./scripts/install-deps.sh libclang-rt-14-dev); the fuzz targets are not built"
  exit 0
fi

echo "fuzz: building the targets in $build"
CC=$clang cmake -S "$source_dir" -B "$build" -DPDMON_FUZZ=ON -DPDMON_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log"; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -gt 2 ] && jobs=2
cmake --build "$build" -j"$jobs" $(for t in $targets; do printf -- '--target fuzz_%s ' "$t"; done) >"$build.build.log" 2>&1 ||
  { tail -50 "$build.build.log"; exit 1; }

status=0
for t in $targets; do
  work="$build/fuzz-$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/findings"
  cp "$here/corpus/$t/"* "$work/corpus/"
  echo "fuzz: fuzz_$t for ${seconds}s"
  # a leak in a parser is a finding too (detect_leaks); -timeout flags an
  # input that takes seconds, far beyond any phrase or file of the seeds' size
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
       -max_len=65536 -artifact_prefix="$work/findings/" -print_final_stats=1 "$work/corpus" \
       >"$work/log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|Done )' "$work/log" | tr '\n' ' '
    echo
  else
    status=1
    echo "fuzz: fuzz_$t FAILED; the end of its log ($work/log):"
    tail -40 "$work/log"
    for f in "$work/findings/"*; do
      [ -e "$f" ] && echo "fuzz: reproducer: $f (run: $build/tests/fuzz/fuzz_$t $f)"
    done
  fi
done
[ $status -eq 0 ] && echo "fuzz: no findings"
exit $status
