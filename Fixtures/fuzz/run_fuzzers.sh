#!/usr/bin/env bash
# Builds the libFuzzer harnesses and runs each for a given time.
#
#   Fixtures/fuzz/run_fuzzers.sh [seconds-per-target] [target...]
#
#   seconds-per-target  libFuzzer -max_total_time (default 60)
#   target              csv, npy, ... (default: every harness/Fuzz*.swift)
#
# A target `x` is the harness file `harness/FuzzX.swift` (case-insensitive), its
# committed seed corpus `corpus/x/`, and optionally a dictionary `dict/x.dict`.
# The harness's first line names the library modules it needs, in dependency order:
#     // fuzz-modules: ShiftcastTensor ShiftcastModel ShiftcastData
# So a new target is a new harness file plus a corpus folder; this script needs no change.
#
# Build: every module is compiled once (whole-module, -O, with
# `-sanitize=fuzzer,address`, i.e. libFuzzer coverage + AddressSanitizer) into one
# object file and a .swiftmodule under $WORK/build; a module is rebuilt only when
# its sources or a module below it change. The harness is then compiled and linked
# against those objects and libFuzzer's main().
#
# Run: libFuzzer with hang detection (-timeout), a memory cap (-rss_limit_mb,
# -malloc_limit_mb), leak detection (-detect_leaks=1, LeakSanitizer), the committed
# seeds (read only) and a writable scratch corpus outside the repository
# ($WORK/corpus/<target>). Crash/hang/leak inputs go to Fixtures/fuzz/artifacts/<target>/
# (git-ignored). At the end a table of executions per target is printed.
#
# Environment: SHIFTCAST_FUZZ_DIR (default ${TMPDIR:-/tmp}/shiftcast-fuzz),
#   FUZZ_TIMEOUT (seconds per input before it counts as a hang, default 10),
#   FUZZ_RSS_MB (default 2048), FUZZ_MAX_LEN (default 4096),
#   FUZZ_EXTRA (extra libFuzzer flags, e.g. "-jobs=2").
# Exit status: 0 if every target ran clean, 1 if any found a crash, hang or leak.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SECONDS_PER_TARGET=${1:-60}
[ $# -gt 0 ] && shift
WORK=${SHIFTCAST_FUZZ_DIR:-${TMPDIR:-/tmp}/shiftcast-fuzz}
BUILD=$WORK/build
SWIFT_FLAGS=(-O -parse-as-library -sanitize=fuzzer,address)
mkdir -p "$BUILD"

# Target name -> harness file.
harness_for() {
    local wanted=$1 file name
    for file in "$HERE"/harness/Fuzz*.swift; do
        name=$(basename "$file" .swift); name=${name#Fuzz}
        if [ "${name,,}" = "${wanted,,}" ]; then echo "$file"; return 0; fi
    done
    echo "run_fuzzers.sh: no harness for target '$wanted' (have: $(all_targets))" >&2
    return 1
}

all_targets() {
    local file name out=()
    for file in "$HERE"/harness/Fuzz*.swift; do
        name=$(basename "$file" .swift); name=${name#Fuzz}; out+=("${name,,}")
    done
    echo "${out[@]}"
}

# Compiles Sources/<module> into $BUILD/<module>.o + .swiftmodule if its inputs changed.
# Inputs: its sources, the flags, and the hashes of modules built before it ($1 after it).
build_module() {
    local module=$1 below_hash=$2 sources hash
    mapfile -t sources < <(find "$ROOT/Sources/$module" -name '*.swift' | LC_ALL=C sort)
    if [ ${#sources[@]} -eq 0 ]; then echo "run_fuzzers.sh: no sources in Sources/$module" >&2; return 1; fi
    hash=$( { echo "${SWIFT_FLAGS[*]} $below_hash"; cat "${sources[@]}"; } | sha256sum | cut -c1-16)
    if [ -f "$BUILD/$module.o" ] && [ "$(cat "$BUILD/$module.hash" 2>/dev/null)" = "$hash" ]; then
        echo "$hash"; return 0
    fi
    echo "  compiling $module (${#sources[@]} files)" >&2
    swiftc "${SWIFT_FLAGS[@]}" -module-name "$module" -whole-module-optimization -num-threads 0 \
        -I "$BUILD" -emit-module -emit-module-path "$BUILD/$module.swiftmodule" \
        -c "${sources[@]}" -o "$BUILD/$module.o" >&2
    echo "$hash" > "$BUILD/$module.hash"
    echo "$hash"
}

# Builds $BUILD/fuzz-<target> from its harness and prints the binary's path.
build_target() {
    local target=$1 harness modules module hash="" objects=()
    harness=$(harness_for "$target")
    read -r -a modules <<< "$(sed -n 's#^// fuzz-modules:##p' "$harness" | head -1)"
    for module in "${modules[@]}"; do
        hash=$(build_module "$module" "$hash")
        objects+=("$BUILD/$module.o")
    done
    echo "  linking fuzz-$target" >&2
    swiftc "${SWIFT_FLAGS[@]}" -module-name "Fuzz_$target" -I "$BUILD" \
        "$harness" "${objects[@]}" -o "$BUILD/fuzz-$target" 2> >(grep -v 'ld.gold: warning: Cannot export local symbol' >&2)
    echo "$BUILD/fuzz-$target"
}

if [ $# -gt 0 ]; then TARGETS=("$@"); else read -r -a TARGETS <<< "$(all_targets)"; fi

declare -A EXECS STATUS ELAPSED
failed=0
for target in "${TARGETS[@]}"; do
    echo "== $target: building"
    binary=$(build_target "$target")
    seeds="$HERE/corpus/$target"
    scratch="$WORK/corpus/$target"
    artifacts="$HERE/artifacts/$target"
    log="$WORK/$target.log"
    mkdir -p "$scratch" "$artifacts" "$seeds"
    dict=()
    [ -f "$HERE/dict/$target.dict" ] && dict=(-dict="$HERE/dict/$target.dict")
    echo "== $target: fuzzing for ${SECONDS_PER_TARGET}s (log: $log)"
    start=$(date +%s)
    set +e
    # shellcheck disable=SC2086
    # SWIFT_BACKTRACE: Swift's own crash backtracer fights ASan's signal handlers; let ASan report.
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} SWIFT_BACKTRACE=enable=no \
    "$binary" -max_total_time="$SECONDS_PER_TARGET" -timeout="${FUZZ_TIMEOUT:-10}" \
        -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -malloc_limit_mb="${FUZZ_RSS_MB:-2048}" \
        -max_len="${FUZZ_MAX_LEN:-4096}" -detect_leaks=1 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "${dict[@]}" ${FUZZ_EXTRA:-} \
        "$scratch" "$seeds" > "$log" 2>&1
    rc=$?
    set -e
    ELAPSED[$target]=$(( $(date +%s) - start ))
    EXECS[$target]=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        STATUS[$target]=clean
    else
        STATUS[$target]="FAILED (exit $rc; see $log and $artifacts/)"
        failed=1
        grep -E '^==[0-9]+==ERROR|^SUMMARY|Fatal error|ALARM|leak' "$log" | head -5 || true
    fi
    tail -n 12 "$log" | grep -E '^#[0-9]+|^Done' | tail -2 || true
done

echo
printf '%-14s %14s %10s %12s  %s\n' target executions seconds execs/second result
for target in "${TARGETS[@]}"; do
    execs=${EXECS[$target]:-0}; secs=${ELAPSED[$target]}
    printf '%-14s %14s %10s %12s  %s\n' "$target" "$execs" "$secs" "$(( execs / (secs > 0 ? secs : 1) ))" "${STATUS[$target]}"
done
exit $failed
