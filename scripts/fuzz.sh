#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of Sources/actiongate-fuzz (docs/security-testing.md "Fuzzing").
#
#   scripts/fuzz.sh build                      sanitizer build (libFuzzer + ASan) into $FUZZ_SCRATCH
#   scripts/fuzz.sh run TARGET [SECONDS] [-- LIBFUZZER-ARGS…]
#                                              fuzz one target (default 60 s; 0 = until stopped);
#                                              new inputs go to $FUZZ_WORK/TARGET, crashes to
#                                              $FUZZ_WORK/artifacts/TARGET-crash-…
#   scripts/fuzz.sh repro TARGET FILE…         run saved inputs under the sanitizer build
#   scripts/fuzz.sh merge TARGET               minimise $FUZZ_WORK/TARGET into a fresh folder to
#                                              review before copying inputs into Fuzz/corpus/TARGET
#   scripts/fuzz.sh targets                    list the targets
#
# Environment: FUZZ_SCRATCH (default .build-fuzz), FUZZ_WORK (default $FUZZ_SCRATCH/work),
# FUZZ_RSS_MB (default 2048), FUZZ_TIMEOUT (per input, s; default 10).
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(origin cookie token multipart config gate response request)
SCRATCH=${FUZZ_SCRATCH:-.build-fuzz}
WORK=${FUZZ_WORK:-$SCRATCH/work}
BINARY=$SCRATCH/debug/actiongate-fuzz
# libFuzzer reports crashes itself; Swift's backtracer would race it (and can hang on some hosts).
export SWIFT_BACKTRACE=enable=no
# No LeakSanitizer: Swift packs enum tags into pointer spare bits, so LSan cannot see that lazily
# built globals (e.g. RequestHeaderRules.compiledRules) are still referenced and reports them as
# leaks on the first input. Memory growth is still caught by -rss_limit_mb. Your own ASAN_OPTIONS
# come after, so they win.
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

usage() {
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

check_target() {
    local name
    for name in "${TARGETS[@]}"; do [ "$name" = "$1" ] && return 0; done
    echo "unknown target '$1'; one of: ${TARGETS[*]}" >&2
    exit 2
}

max_len() {
    case "$1" in
        gate | config) echo 8192 ;;
        *) echo 4096 ;;
    esac
}

build() {
    # --sanitize=fuzzer links libFuzzer and adds coverage to every target (Swift and C, libyaml too);
    # -sanitize=fuzzer,address (Swift) and -fsanitize=address (C) add ASan. Not `--sanitize=fuzzer
    # --sanitize=address`: SwiftPM 6.3 emits those two flags in a varying order (a full rebuild each
    # time), and one such build here came out with no coverage instrumentation at all. -DFUZZING swaps the replay `main` for LLVMFuzzerTestOneInput
    # and -parse-as-library leaves `main` to libFuzzer. Only this product and its dependencies build.
    swift build --product actiongate-fuzz --scratch-path "$SCRATCH" --sanitize=fuzzer \
        -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address -Xswiftc -DFUZZING -Xswiftc -parse-as-library \
        2> >(grep -v "Cannot export local symbol" >&2)
}

run() {
    local target=$1 seconds=${2:-60}
    shift $(($# < 2 ? $# : 2))
    [ "${1:-}" = "--" ] && shift
    check_target "$target"
    [ -x "$BINARY" ] || build
    mkdir -p "$WORK/$target" "$WORK/artifacts"
    local inputs=("$WORK/$target" "Fuzz/corpus/$target")
    [ -d "Fuzz/regressions/$target" ] && inputs+=("Fuzz/regressions/$target")
    ACTIONGATE_FUZZ_TARGET=$target "$BINARY" \
        -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" \
        -max_len="$(max_len "$target")" -dict="Fuzz/dict/$target.dict" -detect_leaks=0 -print_final_stats=1 \
        -artifact_prefix="$WORK/artifacts/$target-" "$@" "${inputs[@]}"
}

case "${1:-}" in
    build) build ;;
    run)
        [ $# -ge 2 ] || usage
        shift
        run "$@"
        ;;
    repro)
        [ $# -ge 3 ] || usage
        check_target "$2"
        [ -x "$BINARY" ] || build
        target=$2
        shift 2
        ACTIONGATE_FUZZ_TARGET=$target "$BINARY" "$@"
        ;;
    merge)
        [ $# -eq 2 ] || usage
        check_target "$2"
        out="$WORK/merged-$2"
        rm -rf "$out" && mkdir -p "$out"
        ACTIONGATE_FUZZ_TARGET=$2 "$BINARY" -merge=1 -max_len="$(max_len "$2")" "$out" \
            "Fuzz/corpus/$2" "$WORK/$2"
        echo "minimised corpus in $out"
        ;;
    targets) printf '%s\n' "${TARGETS[@]}" ;;
    *) usage ;;
esac
