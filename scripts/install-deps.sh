#!/usr/bin/env bash
# Installs what Berth needs on Debian 12: the runtime's tools and the .NET SDK check. Idempotent.
set -euo pipefail

# gcc + libc6-dev build the static probe suite (native/probes) the system tests run inside instances.
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

if ! command -v dotnet >/dev/null; then
    echo "berth: the .NET 10 SDK is needed to build (dotnet not found)" >&2
    exit 1
fi
