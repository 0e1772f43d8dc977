#!/usr/bin/env bash
# CI hook: builds the libFuzzer binary (scripts/fuzz.sh build) and fuzzes every target for a short,
# bounded time, starting from the committed seeds and regressions. Exits 1 if any target crashed,
# broke a property, timed out on an input or ran out of memory; the log then shows the input
# (libFuzzer prints it in Base64) and the files are kept in $FUZZ_SCRATCH/ci-artifacts.
#
# Environment: FUZZ_CI_SECONDS (per target, default 30), FUZZ_SCRATCH (default .build-fuzz).
# Measured here: docs/security-testing.md "Fuzzing".
set -euo pipefail
cd "$(dirname "$0")/.."

per_target=${FUZZ_CI_SECONDS:-30}
scratch=${FUZZ_SCRATCH:-.build-fuzz}
started=$(date +%s)

scripts/fuzz.sh build
built=$(date +%s)
echo "fuzz-ci: sanitizer build took $((built - started)) s"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=()
for target in $(scripts/fuzz.sh targets); do
    log="$work/$target.log"
    if FUZZ_WORK="$work" scripts/fuzz.sh run "$target" "$per_target" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "fuzz-ci: $target ok (${runs:-?} inputs in ${per_target} s)"
    else
        echo "fuzz-ci: $target FAILED; the end of its log:"
        tail -n 80 "$log"
        failed+=("$target")
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    mkdir -p "$scratch/ci-artifacts"
    cp "$work"/artifacts/* "$scratch/ci-artifacts/" 2>/dev/null || true
    echo "fuzz-ci: FAILED: ${failed[*]} (inputs in $scratch/ci-artifacts; reproduce with" \
        "scripts/fuzz.sh repro TARGET FILE, then commit the file under Fuzz/regressions/TARGET/)"
    exit 1
fi
echo "fuzz-ci: all targets ok in $(($(date +%s) - started)) s"
