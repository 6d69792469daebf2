#!/usr/bin/env bash
# Installs what Berth needs, builds it and runs every test; ends with the line CI reads.
set -uo pipefail
cd "$(dirname "$0")"

scripts/install-deps.sh || exit 1
dotnet build Berth.slnx -c Release -nologo -v q || exit 1

passed=0 failed=0 skipped=0
for project in tests/Berth.Tests tests/Berth.SystemTests; do
    log=$(mktemp)
    dotnet test --project "$project" -c Release --no-build 2>&1 | tee "$log"
    p=$(grep -Po '^\s*succeeded:\s*\K\d+' "$log" | tail -1)
    f=$(grep -Po '^\s*failed:\s*\K\d+' "$log" | tail -1)
    s=$(grep -Po '^\s*skipped:\s*\K\d+' "$log" | tail -1)
    if [[ -z "$p" ]]; then
        echo "test.sh: $project printed no summary" >&2
        f=$((${f:-0} + 1))
    fi
    passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) skipped=$((skipped + ${s:-0}))
    rm -f "$log"
done

if ((skipped)); then
    echo "tests: $passed passed, $failed failed, $skipped skipped"
else
    echo "tests: $passed passed, $failed failed"
fi
((failed == 0))
