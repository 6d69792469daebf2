# Peer (c): `lxc-copy -s` (a btrfs snapshot clone) of a prepared container, then `lxc-start -d`.
# The containers live in a private lxcpath on the bench's btrfs pool; names are unique per run.

LXC_NET=${LXC_NET:-10.231.3}       # /24 of the lxc bridge

lxc_available() {
    command -v lxc-start >/dev/null || { log "lxc not installed: apt-get install -y lxc"; return 1; }
}

lxc_prepare() {
    require_free_subnet "$LXC_NET"
    LXC_BR="bp${ID}lbr"
    LXC_PATH="$POOL/lxc"
    LXC_BASE="bp${ID}lbase"
    ip link add "$LXC_BR" type bridge
    ip addr add "$LXC_NET.1/24" dev "$LXC_BR"
    ip link set "$LXC_BR" up
    BRIDGES+=("$LXC_BR")
    mkdir -p "$LXC_PATH/$LXC_BASE"
    btrfs subvolume create "$LXC_PATH/$LXC_BASE/rootfs" >/dev/null
    cp -a "$ROOTFS/." "$LXC_PATH/$LXC_BASE/rootfs/"
    # The address is given at lxc-start; everything else is the same for every clone.
    cat >"$LXC_PATH/$LXC_BASE/config" <<CFG
lxc.uts.name = bp
lxc.rootfs.path = btrfs:$LXC_PATH/$LXC_BASE/rootfs
lxc.init.cmd = /sbin/init
lxc.mount.auto = proc:mixed sys:ro cgroup:mixed
lxc.autodev = 1
lxc.tty.max = 0
lxc.pty.max = 16
lxc.console.path = none
lxc.cap.drop = sys_module mac_admin mac_override sys_time
lxc.net.0.type = veth
lxc.net.0.link = $LXC_BR
lxc.net.0.flags = up
lxc.net.0.ipv4.gateway = $LXC_NET.1
lxc.cgroup.memory.limit_in_bytes = 268435456
lxc.cgroup.cpu.cfs_period_us = 100000
lxc.cgroup.cpu.cfs_quota_us = 100000
CFG
}

lxc_start() {
    local name="bp${ID}l$1" ip="$LXC_NET.$(( 10 + $1 % 240 ))"
    lxc-copy -s -P "$LXC_PATH" -n "$LXC_BASE" -N "$name" >/dev/null
    lxc-start -P "$LXC_PATH" -n "$name" -d -s "lxc.net.0.ipv4.address=$ip/24" \
        -o "$WORK/lxc.log" -l WARN
    PEER_IP=$ip
}

lxc_clean() {
    local name="bp${ID}l$1"
    lxc-stop -P "$LXC_PATH" -n "$name" -k >/dev/null 2>&1
    lxc-destroy -P "$LXC_PATH" -n "$name" >/dev/null 2>&1
    ip neigh flush to "$LXC_NET.$(( 10 + $1 % 240 ))" 2>/dev/null
    return 0
}

lxc_teardown() {
    lxc-destroy -P "$LXC_PATH" -n "$LXC_BASE" >/dev/null 2>&1
    return 0
}
