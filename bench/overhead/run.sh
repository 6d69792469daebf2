#!/usr/bin/env bash
# Overhead benchmark (issue 7): a CPU-bound and an I/O-bound workload inside an lx instance against the
# same workload run on the host directly (target: at least 0.97x of the host), and berthd's own CPU use
# while IDLE idle instances are monitored (target: under 2% of one core), without and with Prometheus
# scraping /metrics every 15 s. Run as root by hand; see README.md.
#
#   sudo bench/overhead/run.sh                     # against the berthd of $BERTH_SOCKET (default /run/berth/berth.sock)
#   sudo PRIVATE=1 IDLE=200 bench/overhead/run.sh  # a private berthd of this checkout's build, in a network namespace of its own
set -euo pipefail

N=${N:-5}                 # timed runs per workload and side (median)
CPU_MB=${CPU_MB:-512}     # sha256 of this many MiB of zeros
IO_MB=${IO_MB:-512}       # O_DIRECT writes of this many MiB
IDLE=${IDLE:-200}         # idle instances for the daemon CPU measurement
IDLE_SECONDS=${IDLE_SECONDS:-60}
PRIVATE=${PRIVATE:-0}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUSYBOX_IMAGE_UUID=7b5f6d9e-6c1a-4b7e-9a55-0b1e2a3c4d5e

log() { printf '[overhead] %s\n' "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }
[[ $EUID -eq 0 ]] || die "run as root"
for tool in jq curl /bin/busybox; do command -v "$tool" >/dev/null || die "missing $tool"; done

ID=$(( $$ % 100000 ))
CREATED=()
BERTHD_PID=
cleanup() {
    set +e
    for uuid in "${CREATED[@]}"; do berth vm delete "$uuid" >/dev/null 2>&1; done
    if (( PRIVATE )); then
        berth pool delete default >/dev/null 2>&1
        [[ -n "$BERTHD_PID" ]] && kill "$BERTHD_PID" && wait "$BERTHD_PID" 2>/dev/null
        umount -l "$STATE"/pools/* 2>/dev/null
        ip netns del "bench-ov$ID" 2>/dev/null
        rm -rf "$STATE" "$RUN"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if (( PRIVATE )); then
    BERTHD_DLL=${BERTHD_DLL:-$ROOT/src/Berth.Daemon/bin/Debug/net10.0/berthd.dll}
    BERTH_DLL=${BERTH_DLL:-$ROOT/src/Berth.Cli/bin/Debug/net10.0/berth.dll}
    [[ -f "$BERTHD_DLL" && -f "$BERTH_DLL" ]] || die "build first: dotnet build Berth.slnx"
    berth() { dotnet "$BERTH_DLL" "$@"; }
    STATE=/var/tmp/bench-ov$ID RUN=/run/bench-ov$ID
    mkdir -p "$STATE" "$RUN"
    ip netns add "bench-ov$ID"
    ip -n "bench-ov$ID" link set lo up
    export BERTH_SOCKET=$RUN/berth.sock
    nsenter --net="/run/netns/bench-ov$ID" dotnet "$BERTHD_DLL" --socket "$BERTH_SOCKET" --state-dir "$STATE" --run-dir "$RUN" \
        --cgroup-parent "bench-ov$ID" --bridge "bov$ID" --config "$STATE/none.json" >"$STATE/berthd.log" 2>&1 &
    BERTHD_PID=$!
    for _ in $(seq 300); do berth sysinfo >/dev/null 2>&1 && break; sleep 0.1; done
    berth pool create --file "$STATE/pool.img" --size 8G >/dev/null
    berth network create admin --nic-tag admin --subnet 10.199.0.0/22 --gateway 10.199.0.1 >/dev/null
    berth image build busybox >/dev/null
fi
SOCKET=${BERTH_SOCKET:-/run/berth/berth.sock}
PIDFILE=$(dirname "$SOCKET")/berthd.pid
[[ -f "$PIDFILE" ]] || die "no $PIDFILE: is berthd running with socket $SOCKET?"
DAEMON=$(cat "$PIDFILE")
NET=$(berth network list -j | jq -r '[.[] | select(.nic_tag == "admin")][0].subnet')
PREFIX=${NET#*/}
BASE=${NET%/*}; BASE=${BASE%.*}   # a.b.c of the subnet; instance i gets a.b.(c + (i+10)/250).((i+10)%250 + 2)
POOL_DIR=$(berth pool list -j | jq -r '.[0].mountpoint')

create() { # alias ip [cpu_shares]
    local uuid
    uuid=$(jq -n --arg a "$1" --arg ip "$2" --arg img "$BUSYBOX_IMAGE_UUID" --arg prefix "$PREFIX" --argjson shares "${3:-100}" \
        '{brand:"lx", alias:$a, image_uuid:$img, max_physical_memory:64, quota:0, cpu_shares:$shares,
          nics:[{nic_tag:"admin", ips:[$ip + "/" + $prefix]}]}' | berth vm create -f -)
    CREATED+=("$uuid")
    echo "$uuid"
}

ip_of() { local i=$(( $1 + 10 )); local a=${BASE%.*} c=${BASE##*.}; echo "$a.$(( c + i / 250 )).$(( i % 250 + 2 ))"; }

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Wall seconds of "sh -c SCRIPT" as busybox time -p measures it (the same binary on both sides), on the host
# or inside the instance, so the exec round trip is not counted.
time_host() { /bin/busybox time -p /bin/busybox sh -c "$1" 2>&1 >/dev/null | awk '/^real/ { print $2 }'; }
time_vm() { berth vm exec "$VM" -- time -p sh -c "$1" 2>&1 >/dev/null | awk '/^real/ { print $2 }'; }

# cpu_shares 1024: the kernel's weight of the host's own processes, so that both sides compete alike on a busy host.
VM=$(create "ov${ID}w" "$(ip_of 0)" 1024)
CPU="dd if=/dev/zero bs=1M count=$CPU_MB 2>/dev/null | sha256sum"
HOST_FILE="$POOL_DIR/bench-host-$ID.dd"
IO_HOST="dd if=/dev/zero of=$HOST_FILE bs=1M count=$IO_MB oflag=direct; rm -f $HOST_FILE"
IO_VM="dd if=/dev/zero of=/root/bench.dd bs=1M count=$IO_MB oflag=direct; rm -f /root/bench.dd"

log "workloads: sha256 of $CPU_MB MiB; $IO_MB MiB O_DIRECT writes to the pool ($POOL_DIR); $N runs each, alternating host and instance"
for _ in $(seq "$N"); do
    time_host "$CPU" >>"/tmp/ov$ID.cpu.host"; time_vm "$CPU" >>"/tmp/ov$ID.cpu.vm"
    time_host "$IO_HOST" >>"/tmp/ov$ID.io.host"; time_vm "$IO_VM" >>"/tmp/ov$ID.io.vm"
done
for w in cpu io; do
    h=$(median <"/tmp/ov$ID.$w.host"); v=$(median <"/tmp/ov$ID.$w.vm")
    printf '%-4s host %.3f s  instance %.3f s  ratio (host/instance) %.3f\n' "$w" "$h" "$v" "$(echo "scale=4; $h / $v" | bc)"
done
rm -f /tmp/ov$ID.*

(( IDLE > 0 )) || exit 0
log "creating $IDLE idle instances"
for i in $(seq 1 "$IDLE"); do create "ov${ID}i$i" "$(ip_of "$i")" >/dev/null; done
ticks() { awk '{ print $14 + $15 }' "/proc/$DAEMON/stat"; }
HZ=$(getconf CLK_TCK)
sleep 5
t0=$(ticks); sleep "$IDLE_SECONDS"; t1=$(ticks)
printf 'berthd with %d idle instances, no scrapes: %.2f%% of one core over %d s\n' "$IDLE" "$(echo "scale=4; ($t1 - $t0) * 100 / $HZ / $IDLE_SECONDS" | bc)" "$IDLE_SECONDS"
t0=$(ticks); s0=$(date +%s)
while (( $(date +%s) - s0 < IDLE_SECONDS )); do
    curl -s --unix-socket "$SOCKET" http://berthd/metrics >/dev/null
    sleep 15
done
t1=$(ticks); el=$(( $(date +%s) - s0 ))
bytes=$(curl -s --unix-socket "$SOCKET" http://berthd/metrics | wc -c)
printf 'berthd with %d idle instances, scraped every 15 s: %.2f%% of one core over %d s (a scrape is %d bytes)\n' "$IDLE" "$(echo "scale=4; ($t1 - $t0) * 100 / $HZ / $el" | bc)" "$el" "$bytes"
