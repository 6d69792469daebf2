#!/usr/bin/env bash
# Installs what Berth needs on Debian 12: the runtime's tools and the .NET SDK check. Idempotent.
set -euo pipefail

# gcc and libc6-dev build the static guest metadata tools (native/mdata) at install and the probe suite
# (native/probes) the system tests run inside instances; QEMU runs kvm instances.
PACKAGES=(crun conmon btrfs-progs busybox-static iproute2 nftables iputils-ping util-linux e2fsprogs tar procps gcc libc6-dev
    qemu-system-x86 qemu-utils ovmf)

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
    # The package starts a host-wide Prometheus; the tests run their own, so this one is switched off.
    systemctl disable --now prometheus >/dev/null 2>&1 || true
fi

# Test-only: a Debian kernel that the VM system tests boot directly (with an initramfs they build from busybox).
# Unpacked into a cache, not installed: the host's /boot and boot loader stay as they are.
TEST_KERNEL_DIR=/var/cache/berth/test-kernel
if ! compgen -G "$TEST_KERNEL_DIR/boot/vmlinuz-*" >/dev/null; then
    echo "berth: unpacking a Debian kernel for the VM tests into $TEST_KERNEL_DIR"
    kernel_pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
    if [[ -z "$kernel_pkg" ]]; then
        apt-get update -qq
        kernel_pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
    fi
    download=$(mktemp -d)
    (cd "$download" && apt-get download -qq "$kernel_pkg" 2>/dev/null) || { apt-get update -qq; (cd "$download" && apt-get download -qq "$kernel_pkg"); }
    mkdir -p "$(dirname "$TEST_KERNEL_DIR")"
    rm -rf "$TEST_KERNEL_DIR.new"
    dpkg-deb -x "$download"/*.deb "$TEST_KERNEL_DIR.new"
    rm -rf "$download" "$TEST_KERNEL_DIR"
    mv "$TEST_KERNEL_DIR.new" "$TEST_KERNEL_DIR"
fi

if ! command -v dotnet >/dev/null; then
    echo "berth: the .NET 10 SDK is needed to build (dotnet not found)" >&2
    exit 1
fi
