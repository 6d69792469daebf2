#!/usr/bin/env bash
# Recovery benchmark (issue 8): (1) time from berthd's start to ready (its socket answers) with N
# instances recorded, (2) time from an instance's init being killed to `vm get` saying "stopped".
# Runs a berthd of its own (own network namespace, state and run directories, cgroup parent), built
# ReadyToRun from this tree as install-berth.sh builds it; the host's berthd is not touched. As root:
#
#   bench/recovery/run.sh                      # N=500 recorded instances, 5 restarts, 10 crashes
#   N=100 RESTARTS=3 CRASHES=5 bench/recovery/run.sh
#   BERTHD=/usr/local/lib/berth/berthd bench/recovery/run.sh   # an installed berthd instead
set -euo pipefail

N=${N:-500}                 # instances recorded (created stopped) before the restarts
RESTARTS=${RESTARTS:-5}     # timed berthd starts
CRASHES=${CRASHES:-10}      # timed crashes of a running instance's init
BUSYBOX_IMAGE_UUID=7b5f6d9e-6c1a-4b7e-9a55-0b1e2a3c4d5e

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] FATAL: %s\n' "$*" >&2; exit 1; }
[[ $EUID -eq 0 ]] || die "run as root"
for tool in curl jq ip nsenter crun conmon btrfs; do command -v "$tool" >/dev/null || die "missing $tool"; done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ID=$(( $$ % 100000 ))
NS=berth-bench-rec-$ID
STATE=/var/tmp/berth-bench-rec-$ID
RUN=/run/berth-bench-rec-$ID
CGROUP=berth-bench-rec-$ID
SOCK=$RUN/berth.sock
PID=

api() { curl -sS --fail-with-body --unix-socket "$SOCK" -H 'content-type: application/json' "$@"; }
now_ns() { date +%s%N; }
ms() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e6 }'; }
# Reads nanosecond samples on stdin; prints "median min max" in ms.
stats() { sort -n | awk '{ v[NR] = $1 / 1e6 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f %.1f %.1f\n", m, v[1], v[NR] }'; }

cleanup() {
    set +e
    if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
        for uuid in $(api http://x/v1/vms | jq -r '.[] | select(.state == "running") | .uuid'); do
            api -X POST -d '{"force":true}' "http://x/v1/vms/$uuid/stop" >/dev/null
        done
        kill "$PID"; wait "$PID" 2>/dev/null
    fi
    [[ -d "$RUN/crun" ]] && for c in "$RUN"/crun/*/; do [[ -d "$c" ]] && crun --root="$RUN/crun" delete -f "$(basename "$c")"; done
    grep -o " $STATE[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
    ip netns del "$NS" 2>/dev/null
    for c in /sys/fs/cgroup/*/"$CGROUP"; do [[ -d "$c" ]] && { rmdir "$c"/* 2>/dev/null; rmdir "$c"; }; done
    rm -rf "$STATE" "$RUN"
}
trap cleanup EXIT

if [[ -z "${BERTHD:-}" ]]; then
    log "building berthd (ReadyToRun, as install-berth.sh does)"
    dotnet publish "$REPO/src/Berth.Daemon" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
        -o "$STATE/berthd-bin" -nologo -v q >&2
    BERTHD=$STATE/berthd-bin/berthd
fi

ip netns add "$NS"; ip -n "$NS" link set lo up
mkdir -p "$STATE" "$RUN"

start_berthd() {
    nsenter --net="/run/netns/$NS" -- "$BERTHD" --socket "$SOCK" --state-dir "$STATE" --run-dir "$RUN" \
        --cgroup-parent "$CGROUP" --config "$STATE/none.json" >>"$STATE/berthd.log" 2>&1 &
    PID=$!
}
# Polls the socket every 2 ms until sysinfo answers; prints nothing, fails after 60 s.
wait_ready() {
    local deadline=$(( $(date +%s) + 60 ))
    until curl -s --unix-socket "$SOCK" -o /dev/null http://x/v1/sysinfo 2>/dev/null; do
        (( $(date +%s) < deadline )) || { tail -20 "$STATE/berthd.log" >&2; die "berthd did not become ready"; }
        sleep 0.002
    done
}

start_berthd; wait_ready
api -X POST -d "{\"file\":\"$STATE/pool.img\",\"size\":$(( 8 << 30 ))}" http://x/v1/pools >/dev/null
api -X POST -d '{"name":"busybox"}' http://x/v1/images/build >/dev/null
log "recording $N stopped instances"
t0=$(now_ns)
for i in $(seq "$N"); do
    api -X POST -d "{\"alias\":\"rec-$i\",\"brand\":\"lx\",\"image_uuid\":\"$BUSYBOX_IMAGE_UUID\",\"max_physical_memory\":64,\"autoboot\":false}" \
        http://x/v1/vms >/dev/null
done
log "created $N instances in $(ms $(( $(now_ns) - t0 ))) ms"

log "timing $RESTARTS starts of berthd with $(api http://x/v1/vms | jq length) instances recorded"
: >"$STATE/ready.ns"
for r in $(seq "$RESTARTS"); do
    kill "$PID"; wait "$PID" 2>/dev/null || true
    t0=$(now_ns); start_berthd; wait_ready; t1=$(now_ns)
    echo $(( t1 - t0 )) >>"$STATE/ready.ns"
    log "start $r: ready in $(ms $(( t1 - t0 ))) ms; berthd: $(grep -o 'Reconciled instances in .*' "$STATE/berthd.log" | tail -1)"
done

log "timing $CRASHES crashes of a running instance's init"
: >"$STATE/crash.ns"
uuid=$(api -X POST -d "{\"alias\":\"crashy\",\"brand\":\"lx\",\"image_uuid\":\"$BUSYBOX_IMAGE_UUID\",\"max_physical_memory\":64,\"autoboot\":false}" http://x/v1/vms | jq -r .uuid)
for c in $(seq "$CRASHES"); do
    api -X POST "http://x/v1/vms/$uuid/start" >/dev/null
    init=$(api "http://x/v1/vms/$uuid/info" | jq -r .init_pid)
    t0=$(now_ns)
    kill -KILL "$init"
    until [[ $(api "http://x/v1/vms/$uuid" | jq -r .state) == stopped ]]; do
        (( $(now_ns) - t0 < 10000000000 )) || die "the crash of $uuid was not noticed within 10 s"
    done
    t1=$(now_ns)
    echo $(( t1 - t0 )) >>"$STATE/crash.ns"
    log "crash $c: noticed in $(ms $(( t1 - t0 ))) ms"
done

read -r rmed rmin rmax < <(stats <"$STATE/ready.ns")
read -r cmed cmin cmax < <(stats <"$STATE/crash.ns")
echo "| measure | median (ms) | min (ms) | max (ms) | runs | target |"
echo "|---|---:|---:|---:|---:|---|"
echo "| berthd start to ready, $N instances recorded | $rmed | $rmin | $rmax | $RESTARTS | < 2000 ms |"
echo "| init killed to \`vm get\` saying stopped | $cmed | $cmin | $cmax | $CRASHES | < 1000 ms |"
