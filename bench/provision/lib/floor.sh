# Peer (a), the floor: btrfs snapshot + netns/veth with `ip` + `crun run -d` of a prepared bundle.
# Interface (see run.sh): floor_prepare, floor_start I (sets PEER_IP), floor_clean I, floor_teardown.

FLOOR_NET=${FLOOR_NET:-10.231.1}   # /24 of the floor's bridge

floor_prepare() {
    require_free_subnet "$FLOOR_NET"
    FLOOR_BR="bp${ID}fbr"
    FLOOR_CRUN_ROOT="$WORK/crun-root"
    ip link add "$FLOOR_BR" type bridge
    ip addr add "$FLOOR_NET.1/24" dev "$FLOOR_BR"
    ip link set "$FLOOR_BR" up
    BRIDGES+=("$FLOOR_BR")
    btrfs subvolume create "$POOL/floor-base" >/dev/null
    cp -a "$ROOTFS/." "$POOL/floor-base/"
    mkdir -p "$WORK/floor-bundles" "$FLOOR_CRUN_ROOT"
    # crun's default spec plus our caps; @ROOT@ and @NETNS@ are filled in per instance.
    (cd "$WORK" && crun spec && mv config.json floor-spec.json)
    FLOOR_TEMPLATE=$(jq '
        .process.args = ["/sbin/init"] | .process.terminal = false | .hostname = "bp"
        | .root = {path: "@ROOT@", readonly: false}
        | .linux.namespaces |= map(if .type == "network" then .path = "@NETNS@" else . end)
        | .linux.resources.memory = {limit: 268435456}
        | .linux.resources.cpu = {quota: 100000, period: 100000}' "$WORK/floor-spec.json")
}

floor_start() {
    local name="bp${ID}f$1" ip="$FLOOR_NET.$(( 10 + $1 % 240 ))" cfg
    btrfs subvolume snapshot "$POOL/floor-base" "$POOL/$name" >/dev/null
    ip netns add "$name"
    ip -batch - <<IP
link add ${name}h type veth peer name eth0 netns $name
link set ${name}h master $FLOOR_BR up
IP
    ip -n "$name" -batch - <<IP
addr add $ip/24 dev eth0
link set eth0 up
link set lo up
route add default via $FLOOR_NET.1
IP
    mkdir "$WORK/floor-bundles/$name"
    cfg=${FLOOR_TEMPLATE//@ROOT@/$POOL/$name}
    printf '%s\n' "${cfg//@NETNS@//var/run/netns/$name}" >"$WORK/floor-bundles/$name/config.json"
    crun --root "$FLOOR_CRUN_ROOT" run -d --bundle "$WORK/floor-bundles/$name" "$name" \
        </dev/null >/dev/null 2>>"$WORK/crun.log"
    PEER_IP=$ip
}

floor_clean() {
    local name="bp${ID}f$1"
    crun --root "$FLOOR_CRUN_ROOT" delete -f "$name" >/dev/null 2>&1
    ip link del "${name}h" 2>/dev/null
    ip netns del "$name" 2>/dev/null
    [[ -d "$POOL/$name" ]] && btrfs subvolume delete "$POOL/$name" >/dev/null
    rm -rf "$WORK/floor-bundles/$name"
    ip neigh flush to "$FLOOR_NET.$(( 10 + $1 % 240 ))" 2>/dev/null
    return 0
}

floor_teardown() {
    rm -rf "$WORK/floor-bundles" "$FLOOR_CRUN_ROOT"
}
