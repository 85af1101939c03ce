# Sourced by scripts/test --sanitize, scripts/fuzz and scripts/soak --sanitize: how they report.
# Suppressions are only for reports inside Debian's own libraries, each with its reason, in
# lsan.supp (leaks) and ubsan.supp (undefined behaviour): the two tools read different formats.
sanitizers_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:exitcode=23"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:report_error_type=1:suppressions=$sanitizers_dir/ubsan.supp"
export LSAN_OPTIONS="suppressions=$sanitizers_dir/lsan.supp:print_suppressions=0"
