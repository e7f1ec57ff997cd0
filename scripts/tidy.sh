#!/usr/bin/env bash
# clang-tidy over the core (src/core, dialects) and the remote layer (src/remote) with the checks
# of .clang-tidy, using the compile commands of build/core (configured by scripts/test.sh).
# Fails on any warning.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
[[ -f build/core/compile_commands.json ]] || {
    echo "tidy: build/core/compile_commands.json missing (configure build/core first)" >&2
    exit 1
}
out=$(ls src/core/*/*.cpp src/remote/*.cpp dialects/*.cpp | xargs -P "${QUARRY_JOBS:-2}" -n 4 \
    clang-tidy -p build/core --quiet 2>/dev/null | grep -E "warning:|error:" | sort -u || true)
if [[ -n $out ]]; then
    echo "$out"
    echo "tidy: $(echo "$out" | wc -l) warning(s)" >&2
    exit 1
fi
echo "tidy: clean"
