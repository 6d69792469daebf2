#!/usr/bin/env bash
# Installs what Berth needs on Debian 12: the runtime's tools and the .NET SDK check. Idempotent.
set -euo pipefail

# gcc and libc6-dev build the static guest metadata tools (native/mdata) at install.
PACKAGES=(crun conmon btrfs-progs busybox-static iproute2 nftables iputils-ping util-linux e2fsprogs tar procps gcc libc6-dev)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "berth: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Test-only: the system tests scrape berthd's /metrics with a real Prometheus of their own (own config, data dir and
# port inside the test namespace). No recommends: prometheus-node-exporter is not needed.
if ! dpkg-query -W -f='${Status}' prometheus 2>/dev/null | grep -q "install ok installed"; then
    echo "berth: installing prometheus (for the metrics system test)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

if ! command -v dotnet >/dev/null; then
    echo "berth: the .NET 10 SDK is needed to build (dotnet not found)" >&2
    exit 1
fi
