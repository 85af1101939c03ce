# Sourced by scripts/test, scripts/soak, scripts/fuzz and scripts/lint.
# configure_build DIR [CMAKE ARGS...]: configures DIR once (Ninja when present).
# configure_sanitized_build DIR [CMAKE ARGS...]: the same with ASan + UBSan at -O1 (reports keep
# their stack frames, and the suite still runs at a usable speed), line tables only (-g1: all a
# report's file:line needs, and a quarter less compile time than -g) and no benchmark programs.
configure_build() {
    local dir=$1
    shift
    [ -f "$dir/CMakeCache.txt" ] && return 0
    local generator=()
    command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
    cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
}
configure_sanitized_build() {
    local dir=$1
    shift
    configure_build "$dir" "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DSOCKSCOPE_SANITIZE=ON \
        -DSOCKSCOPE_BENCHMARKS=OFF "$@"
}
