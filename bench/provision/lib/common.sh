# Shared helpers for bench/provision/run.sh: timing, ping polling, statistics, rootfs building.

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] FATAL: %s\n' "$*" >&2; exit 1; }

now_ns() { date +%s%N; }

# Polls one ping at a time until the address answers; fails after PING_DEADLINE_S seconds.
wait_ping() {
    local ip=$1 deadline=$(( $(date +%s%N) + PING_DEADLINE_S * 1000000000 ))
    until ping -n -q -c1 -W1 "$ip" >/dev/null 2>&1; do
        if (( $(date +%s%N) > deadline )); then
            log "no ping answer from $ip within ${PING_DEADLINE_S}s"
            return 1
        fi
    done
}

# Reads nanosecond samples (one per line) on stdin; prints "median p90 min max" in ms.
# Median averages the two middle samples when N is even; p90 is the nearest-rank percentile.
stats_ms() {
    sort -n | awk '
        { v[NR] = $1 / 1e6 }
        END {
            if (NR == 0) { print "- - - -"; exit }
            med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            r = int(0.9 * NR); if (r < 0.9 * NR) r++; if (r < 1) r = 1
            printf "%.1f %.1f %.1f %.1f\n", med, v[r], v[1], v[NR]
        }'
}

# Builds a busybox rootfs in $1 (an existing empty directory) from the host's static busybox.
build_busybox_rootfs() {
    local root=$1 applet
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,var}
    cp /bin/busybox "$root/bin/busybox"
    for applet in $("$root/bin/busybox" --list-full); do
        [[ -e "$root/$applet" ]] || ln -s /bin/busybox "$root/$applet"
    done
    ln -sf /bin/busybox "$root/sbin/init"
    # No tty in any of the peers: a waiting sleep keeps init from respawning a shell on EOF.
    cat >"$root/etc/inittab" <<'TAB'
::sysinit:/bin/sh -c 'ip link set lo up'
::respawn:/bin/sleep 1000000
TAB
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
    printf 'root:x:0:\n' >"$root/etc/group"
    chmod 1777 "$root/tmp"
}

# Converts a dotted IPv4 address to an integer and back.
ip_to_int() {
    local IFS=. a b c d
    read -r a b c d <<<"$1"
    echo $(( (a << 24) | (b << 16) | (c << 8) | d ))
}
int_to_ip() {
    local n=$1
    echo "$(( (n >> 24) & 255 )).$(( (n >> 16) & 255 )).$(( (n >> 8) & 255 )).$(( n & 255 ))"
}
prefix_to_netmask() {
    int_to_ip $(( (0xffffffff << (32 - $1)) & 0xffffffff ))
}

# Refuses to reuse a /24 that is already routed here (a leftover bridge would swallow the pings).
require_free_subnet() {
    local net=$1
    if [[ -n "$(ip -4 route show to match "$net.1/32" | grep -v '^default')" ]]; then
        die "$net.0/24 is already routed on this host ($(ip -4 route show to match "$net.1/32" | grep -v '^default' | head -n1)); remove it or pick another subnet"
    fi
}
