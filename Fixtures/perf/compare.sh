#!/usr/bin/env bash
# Alternates shiftcast and its numpy/PyTorch baseline, round after round, and prints each
# round's two figures and ratio, then the median ratio. On these shared 2-core machines only
# such interleaved ratios mean anything (Docs/Performance.md).
#
#   Fixtures/perf/compare.sh train|projnorm|gemm [rounds]      (default 6 rounds)
#
# Needs a release build (`swift build -c release`) and python3 with numpy (gemm) or
# torch (train, projnorm). Ratio: shiftcast/baseline for throughput (train, gemm),
# shiftcast time/baseline time for projnorm (lower is better there).
set -euo pipefail
cd "$(dirname "$0")/../.."
what=${1:?usage: compare.sh train|projnorm|gemm [rounds]}
rounds=${2:-6}
bin=.build/release/shiftcast
[ -x "$bin" ] || { echo "error: $bin not found: run 'swift build -c release' first" >&2; exit 1; }
case "$what" in
  train)    ours_key=samples_per_second; base_key=torch_train_samples_per_second ;;
  projnorm) ours_key=seconds;            base_key=torch_projnorm_seconds ;;
  gemm)     ours_key=gflops;             base_key=numpy_gemm_gflops_1024 ;;
  *) echo "error: expected train, projnorm or gemm, found '$what'" >&2; exit 64 ;;
esac
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
ratios=()
for r in $(seq 1 "$rounds"); do
  # Each side's output is captured first and parsed afterwards: a parser piped in would start
  # python3 on the other core while the measurement runs (it made short GEMM runs bimodal).
  ours_json=$("$bin" perf "$what" --format json)
  base_json=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 Fixtures/perf/python_baseline.py "$what" 2>/dev/null)
  ours=$(printf '%s' "$ours_json" | field "$ours_key")
  base=$(printf '%s' "$base_json" | field "$base_key")
  ratio=$(python3 -c "print(f'{$ours / $base:.3f}')")
  ratios+=("$ratio")
  printf 'round %d: shiftcast %.4g  baseline %.4g  ratio %s  (load %s)\n' "$r" "$ours" "$base" "$ratio" "$(cut -d' ' -f1 /proc/loadavg)"
done
python3 -c "import statistics,sys; r=[float(x) for x in sys.argv[1:]]; print(f'median ratio {statistics.median(r):.3f} (min {min(r):.3f}, max {max(r):.3f}, {len(r)} rounds)')" "${ratios[@]}"
