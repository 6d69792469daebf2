#!/usr/bin/env bash
# Berth's quick start: installs what it needs, builds, starts berthd and shows a container running.
# Idempotent: run it again and it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")"
if [[ $EUID -ne 0 ]]; then
    echo "run.sh: run as root (berthd manages cgroups, pools and bridges)" >&2
    exit 1
fi

ADMIN_SUBNET=${BERTH_ADMIN_SUBNET:-10.222.0.0/24}
ADMIN_GATEWAY=${BERTH_ADMIN_GATEWAY:-10.222.0.1}
BUSYBOX_UUID=7b5f6d9e-6c1a-4b7e-9a55-0b1e2a3c4d5e

scripts/install-deps.sh
scripts/install-berth.sh
scripts/start-berthd.sh

if [[ "$(berth pool list -j)" == "[]" ]]; then
    echo "berth: creating the default pool (btrfs on a 20 GiB sparse file)"
    berth pool create
fi
if ! berth network get admin -j >/dev/null 2>&1; then
    echo "berth: creating network admin ($ADMIN_SUBNET, gateway $ADMIN_GATEWAY, bridge berth0)"
    berth network create admin --nic-tag admin --subnet "$ADMIN_SUBNET" --gateway "$ADMIN_GATEWAY"
fi
if ! berth image get "$BUSYBOX_UUID" -j >/dev/null 2>&1; then
    echo "berth: building the busybox image"
    berth image build busybox
fi

if ! berth vm get demo >/dev/null 2>&1; then
    echo "berth: creating the demo container from examples/demo.json"
    start=$(date +%s%N)
    berth vm create -f examples/demo.json
    echo "berth: created and running in $(( ($(date +%s%N) - start) / 1000000 )) ms"
elif [[ "$(berth vm list -H -o state alias=demo)" != "running" ]]; then
    berth vm start demo
fi

berth vm list
ip=$(berth vm get demo | grep -Po '"ip":\s*"\K[^"]+' | head -1)
echo "berth: pinging the demo container at $ip"
ping -c 3 -i 0.2 -W 2 "$ip"
echo "berth: inside the demo container:"
berth vm exec demo -- sh -c 'echo "hostname: $(hostname)"; echo "memory cap: $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max) bytes"; ps'
