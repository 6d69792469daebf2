#!/usr/bin/env bash
# Provision benchmark (issue 2): time from "request" until a new busybox container answers one ping
# from the host, for Berth and three peers: (a) floor = btrfs snapshot + netns/veth + crun run -d,
# (b) podman run -d, (c) lxc-copy -s + lxc-start. Run as root by hand; see README.md.
#
#   sudo N=20 bench/provision/run.sh            # all peers, 20 timed runs each
#   sudo PEERS="floor lxc" N=5 bench/provision/run.sh
#   sudo MODE=hardening N=20 bench/provision/run.sh   # berth hardened (default) vs privileged: the ratio
set -euo pipefail

N=${N:-20}                          # timed runs per peer
WARMUP=${WARMUP:-1}                 # untimed runs per peer before timing
MODE=${MODE:-peers}                 # peers | hardening (berth's default against "privileged": true)
if [[ $MODE == hardening ]]; then
    PEERS=${PEERS:-"berthpriv berth"}
else
    PEERS=${PEERS:-"berth floor podman lxc"}
fi
BUSYBOX_IMAGE_UUID=${BUSYBOX_IMAGE_UUID:-7b5f6d9e-6c1a-4b7e-9a55-0b1e2a3c4d5e}
BERTH_IP_OFFSET=${BERTH_IP_OFFSET:-100}   # berth instances get subnet base + offset + (i % 100)
PING_DEADLINE_S=${PING_DEADLINE_S:-10}
POOL_SIZE=${POOL_SIZE:-2G}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$HERE/lib/common.sh"
for peer_file in berth berthpriv floor podman lxc; do
    # shellcheck disable=SC1090
    source "$HERE/lib/$peer_file.sh"
done

[[ $EUID -eq 0 ]] || die "run as root"
for tool in btrfs mkfs.btrfs crun ip ping jq tar /bin/busybox; do
    command -v "$tool" >/dev/null || die "missing $tool (see bench/provision/README.md)"
done

ID=$(( $$ % 100000 ))               # keeps interface names under 15 characters
WORK=$(mktemp -d /tmp/bench-provision.XXXXXX)
ROOTFS="$WORK/rootfs"
POOL="$WORK/pool"
BRIDGES=()
PREPARED=()
declare -A LIVE=()                  # "peer i" -> 1 while an instance exists
IP_FORWARD_BEFORE=$(sysctl -n net.ipv4.ip_forward)
POOL_MOUNTED=0

cleanup() {
    local rc=$? key peer br
    set +e
    trap - ERR
    for key in "${!LIVE[@]}"; do
        "${key% *}_clean" "${key#* }"
    done
    for peer in "${PREPARED[@]}"; do "${peer}_teardown"; done
    for br in "${BRIDGES[@]}"; do ip link del "$br" 2>/dev/null; done
    (( POOL_MOUNTED )) && umount "$POOL"
    rm -rf "$WORK"
    # netavark (podman) turns forwarding on; put back what we found.
    sysctl -qw net.ipv4.ip_forward="$IP_FORWARD_BEFORE"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'log "failed at line $LINENO: $BASH_COMMAND"' ERR

# crun 1.8 refuses hybrid cgroups unless hugetlb is on v1 (MACHINE-NOTES); harmless elsewhere.
if [[ -d /sys/fs/cgroup/unified ]] && ! mountpoint -q /sys/fs/cgroup/hugetlb; then
    log "moving hugetlb to a cgroup v1 hierarchy so crun runs on this hybrid host"
    mkdir -p /sys/fs/cgroup/hugetlb
    mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
fi

log "work dir $WORK; N=$N warmup=$WARMUP peers: $PEERS"
mkdir -p "$ROOTFS" "$POOL"
build_busybox_rootfs "$ROOTFS"
truncate -s "$POOL_SIZE" "$WORK/pool.img"
mkfs.btrfs -q "$WORK/pool.img" >"$WORK/mkfs.log" 2>&1 || { cat "$WORK/mkfs.log" >&2; exit 1; }
mount -o loop "$WORK/pool.img" "$POOL"
POOL_MOUNTED=1

ACTIVE=()
for peer in $PEERS; do
    declare -F "${peer}_start" >/dev/null || die "unknown peer $peer"
    if declare -F "${peer}_available" >/dev/null && ! "${peer}_available"; then
        continue
    fi
    log "preparing $peer"
    PREPARED+=("$peer")
    "${peer}_prepare"
    ACTIVE+=("$peer")
    : >"$WORK/samples-$peer"
done
(( ${#ACTIVE[@]} )) || die "no peer can run"

# Peers take turns within each round so that load from elsewhere on the host hits all of them alike.
declare -A FAILS=()
for (( i = 0; i < WARMUP + N; i++ )); do
    for peer in "${ACTIVE[@]}"; do
        declare -F "${peer}_pre" >/dev/null && "${peer}_pre" "$i"
        LIVE["$peer $i"]=1
        t0=$(now_ns)
        "${peer}_start" "$i"
        if wait_ping "$PEER_IP"; then
            t1=$(now_ns)
            (( i >= WARMUP )) && echo $(( t1 - t0 )) >>"$WORK/samples-$peer"
        else
            FAILS[$peer]=$(( ${FAILS[$peer]:-0} + 1 ))
        fi
        "${peer}_clean" "$i"
        unset 'LIVE[$peer $i]'
    done
    (( i < WARMUP )) || log "round $(( i - WARMUP + 1 ))/$N done"
done

# Results: per peer median/p90/min/max, and Berth's median over each peer's median.
declare -A MED=()
for peer in "${ACTIVE[@]}"; do
    read -r med p90 min max < <(stats_ms <"$WORK/samples-$peer")
    MED[$peer]=$med
    printf '%-7s median %8s ms   p90 %8s ms   min %8s   max %8s   (n=%s, failed=%s)\n' \
        "$peer" "$med" "$p90" "$min" "$max" "$(wc -l <"$WORK/samples-$peer")" "${FAILS[$peer]:-0}"
    ROWS+=("$peer|$med|$p90|$min|$max|$(wc -l <"$WORK/samples-$peer")|${FAILS[$peer]:-0}")
done

ratio() {
    if [[ -n "${MED[berth]:-}" && -n "${MED[$1]:-}" ]]; then
        awk -v a="${MED[berth]}" -v b="${MED[$1]}" 'BEGIN { printf "%.2fx", a / b }'
    else
        echo pending
    fi
}
echo
for peer in floor podman lxc; do
    [[ -n "${MED[$peer]:-}" ]] && printf 'berth/%-7s %s\n' "$peer" "$(ratio "$peer")"
done

if [[ -n "${MED[berthpriv]:-}" && -n "${MED[berth]:-}" ]]; then
    printf 'hardened/unhardened %s   (berth default median over berth "privileged": true median; issue 9 asks <= 1.20x)\n' "$(ratio berthpriv)"
fi

echo
echo "| peer | median (ms) | p90 (ms) | min (ms) | max (ms) | runs | failed | berth median / peer median |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
[[ -n "${MED[berth]:-}" ]] || echo "| berth | pending | pending | | | | | |"
for row in "${ROWS[@]}"; do
    IFS='|' read -r peer med p90 min max n f <<<"$row"
    r=$([[ $peer == berth ]] && echo "1.00x" || ratio "$peer")
    echo "| $peer | $med | $p90 | $min | $max | $n | $f | $r |"
done
