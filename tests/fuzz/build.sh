#!/bin/sh
# Builds the scenario-loader fuzzer with clang and libFuzzer.
#   tests/fuzz/build.sh OUT_DIR      -> OUT_DIR/fuzz_scenario
# Needs clang (14 or later, with libclang-rt-dev) and the project's
# dependencies: libyaml-dev libcjson-dev libgsl-dev.
set -eu
out=${1:?usage: tests/fuzz/build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CC=${CC:-clang}
mkdir -p "$out"
sim_sources=$(ls "$root"/sim/*/*.c | grep -v '/sim/cli/')
includes=$(for d in "$root"/sim/*/; do printf ' -I%s' "$d"; done)
# shellcheck disable=SC2086
$CC -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -std=c11 -D_XOPEN_SOURCE=700 -DSS_VERSION='"fuzz"' \
    -I"$root/include" $includes -I"$root/models" \
    $(pkg-config --cflags yaml-0.1) \
    "$here/fuzz_scenario.c" $sim_sources "$root"/models/*.c \
    -o "$out/fuzz_scenario" \
    $(pkg-config --libs yaml-0.1) -lcjson -lgsl -lgslcblas -lm
echo "built $out/fuzz_scenario"
