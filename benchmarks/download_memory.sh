#!/usr/bin/env bash
# Peak memory of a 256 MiB download (the demo sandbox's report_large_256mb) through the command-line twin,
# sandbox included in the same process. Prints the figures; the target is a peak under 48 MiB, whatever the
# file size, because the body is streamed to disk through a bounded read buffer.
#   benchmarks/download_memory.sh [path/to/getbill-reports-cli]
set -euo pipefail
cli=${1:-build/run/app/cli/getbill-reports-cli}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
/usr/bin/time -v "$cli" --demo download report_large_256mb --output-dir "$out" >/dev/null 2>"$out/time.txt"
size=$(stat -c %s "$out"/*.csv)
peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$out/time.txt")
awk -v size="$size" -v peak="$peak_kb" -v wall="$wall" 'BEGIN {
    n = split(wall, t, ":"); secs = t[n] + (n > 1 ? t[n - 1] * 60 : 0) + (n > 2 ? t[n - 2] * 3600 : 0)
    printf "file size:   %d bytes (%d MiB)\n", size, size / 1048576
    printf "peak RSS:    %d KiB (%.1f MiB)\n", peak, peak / 1024
    printf "wall time:   %.2f s\n", secs
    printf "throughput:  %.0f MiB/s\n", size / 1048576 / secs
}'
