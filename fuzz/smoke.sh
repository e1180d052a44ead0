#!/usr/bin/env bash
# Smoke test for CI: builds every fuzz target, replays the saved crash reproducers under
# regressions/<target>/ (with FUZZ_STRICT=1, so that a known but unfixed bug fails too), then
# fuzzes each target for FUZZ_SECONDS (default 10) starting from its committed seeds. Exits
# non-zero if anything crashed (a new reproducer is then under fuzz/artifacts/<target>/).
#
#   bash fuzz/smoke.sh                    # from the repository root, or from anywhere
#   FUZZ_SECONDS=60 bash fuzz/smoke.sh    # longer
#   FUZZ_SANITIZER=none bash fuzz/smoke.sh  # without AddressSanitizer (faster to build and run)
#   FUZZ_SKIP_REGRESSIONS=1 bash fuzz/smoke.sh  # while known bugs are unfixed: fuzz only
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). Works on the stable toolchain:
# RUSTC_BOOTSTRAP=1 lets it accept the -Z flags cargo fuzz passes (sanitizer, coverage).
set -uo pipefail
fuzz_dir="$(cd "$(dirname "$0")" && pwd)"
cd "$fuzz_dir/.."
seconds="${FUZZ_SECONDS:-10}"
sanitizer="${FUZZ_SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "smoke: cargo-fuzz is not installed: cargo install cargo-fuzz --locked" >&2
  exit 2
fi

dict_for() {
  case "$1" in
    data_file) echo "$fuzz_dir/dict/toml.dict" ;;
    graphql_query) echo "$fuzz_dir/dict/graphql.dict" ;;
    graphql_request_json) echo "$fuzz_dir/dict/graphql_json.dict" ;;
    *) echo "" ;;
  esac
}

echo "=== cargo fuzz build (sanitizer: $sanitizer) ==="
cargo fuzz build -s "$sanitizer" || exit 2

work="$(mktemp -d -t dossier-fuzz-smoke.XXXXXX)"
trap 'rm -rf "$work"' EXIT
failed=()
for target in $(cargo fuzz list); do
  regressions=("$fuzz_dir"/regressions/"$target"/*)
  if [ -z "${FUZZ_SKIP_REGRESSIONS:-}" ] && [ -e "${regressions[0]}" ]; then
    echo "=== $target: replaying ${#regressions[@]} saved reproducer(s) ==="
    if ! FUZZ_STRICT=1 cargo fuzz run -s "$sanitizer" "$target" "${regressions[@]}" -- -runs=1 \
      >"$work/$target.replay.log" 2>&1; then
      tail -n 40 "$work/$target.replay.log"
      failed+=("$target (regression)")
    fi
  fi
  echo "=== $target: fuzzing for ${seconds}s ==="
  mkdir -p "$work/$target"
  dict="$(dict_for "$target")"
  # New inputs go to a scratch directory; the committed seeds are only read.
  if cargo fuzz run -s "$sanitizer" "$target" "$work/$target" "$fuzz_dir/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
    ${dict:+-dict="$dict"} >"$work/$target.log" 2>&1; then
    grep -E "^(Done|stat::number_of_executed_units|stat::average_exec_per_sec)|cov: .*(DONE|INITED)" \
      "$work/$target.log" | tail -n 4
  else
    tail -n 60 "$work/$target.log"
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "smoke: FAILED: ${failed[*]} (reproducers: fuzz/artifacts/<target>/)" >&2
  exit 1
fi
echo "smoke: every target ran ${seconds}s without a crash"
