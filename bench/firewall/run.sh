#!/usr/bin/env bash
# Firewall benchmark (issue 4): compile + apply time of Berth's nftables ruleset (one `nft -f -` transaction) with
# 1000 rules loaded, for the 1st against the 1000th instance, in a network namespace of its own. Run as root by hand.
#
#   bench/firewall/run.sh                   # 1000 rules, 1000 instances, 15 runs per point
#   RULES=1000 INSTANCES=1000 N=30 bench/firewall/run.sh
set -euo pipefail

RULES=${RULES:-1000}
INSTANCES=${INSTANCES:-1000}
N=${N:-15}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $EUID -eq 0 ]] || { echo "run as root" >&2; exit 2; }
for tool in dotnet nft ip nsenter; do
    command -v "$tool" >/dev/null || { echo "missing $tool (nftables, iproute2, util-linux, .NET 10 SDK)" >&2; exit 2; }
done

NETNS="berth-bench-fw-$$"
WORK=$(mktemp -d /tmp/bench-firewall.XXXXXX)
cleanup() {
    local rc=$?
    ip netns del "$NETNS" 2>/dev/null || true
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$NETNS"
dotnet build "$HERE/Berth.Bench.Firewall.csproj" -c Release -v quiet -nologo >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; exit 1; }
echo "nft $(nft --version | awk '{print $2}'), kernel $(uname -r), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$HERE/bin/Release/net10.0/Berth.Bench.Firewall.dll" --netns "$NETNS" --rules "$RULES" --instances "$INSTANCES" --runs "$N"
