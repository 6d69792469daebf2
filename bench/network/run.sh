#!/usr/bin/env bash
# Network benchmark (issue 4): per-instance network setup through Berth's NicPlumber (rtnetlink from the
# process) against the same setup by hand with `ip`. Run as root by hand; see README.md.
#
#   bench/network/run.sh            # N=100 runs each after 5 warm-up rounds
#   N=30 bench/network/run.sh
set -euo pipefail

N=${N:-100}
WARMUP=${WARMUP:-5}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $EUID -eq 0 ]] || { echo "run as root" >&2; exit 2; }
for tool in dotnet ip nsenter unshare; do
    command -v "$tool" >/dev/null || { echo "missing $tool (iproute2, util-linux, .NET 10 SDK)" >&2; exit 2; }
done

LOG=$(mktemp /tmp/bench-network-build.XXXXXX)
trap 'rm -f "$LOG"' EXIT
dotnet build "$HERE/Berth.Bench.Network.csproj" -c Release -v quiet -nologo >"$LOG" 2>&1 || { cat "$LOG" >&2; exit 1; }
# The program removes its network namespace itself, also on failure.
dotnet "$HERE/bin/Release/net10.0/Berth.Bench.Network.dll" "$N" "$WARMUP"
