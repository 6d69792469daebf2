# Peer "berth": `berth vm create -f MANIFEST` (lx brand, busybox image, one admin nic, caps) until
# the instance answers a ping; `berth vm delete` afterwards is not timed. The subnet is read from
# `berth network list -j` (the network whose nic_tag is admin).

declare -A BERTH_UUIDS=()

berth_available() {
    command -v berth >/dev/null || { log "berth is not on PATH: skipping the berth peer"; return 1; }
    berth sysinfo >/dev/null 2>&1 || { log "'berth sysinfo' failed (berthd not running?): skipping the berth peer"; return 1; }
    command -v jq >/dev/null || { log "jq is needed to read 'berth network list -j': skipping berth"; return 1; }
}

berth_prepare() {
    local net subnet base prefix
    net=$(berth network list -j | jq -c '[.[] | select(.nic_tag == "admin")][0] // empty')
    [[ -n "$net" ]] || die "berth has no network with nic_tag admin (berth network list -j)"
    subnet=$(jq -r .subnet <<<"$net")
    BERTH_GATEWAY=$(jq -r '.gateway // empty' <<<"$net")
    base=${subnet%/*}
    prefix=${subnet#*/}
    BERTH_NETMASK=$(prefix_to_netmask "$prefix")
    BERTH_NET_BASE=$(( $(ip_to_int "$base") & $(ip_to_int "$BERTH_NETMASK") ))
    (( (1 << (32 - prefix)) > BERTH_IP_OFFSET + 100 )) \
        || die "berth's admin subnet $subnet is too small for BERTH_IP_OFFSET=$BERTH_IP_OFFSET + 100"
    mkdir -p "$WORK/berth"
    log "berth: admin network $subnet (gateway ${BERTH_GATEWAY:-none}), image $BUSYBOX_IMAGE_UUID"
}

berth_ip() { int_to_ip $(( BERTH_NET_BASE + BERTH_IP_OFFSET + $1 % 100 )); }

# The manifest is written before the timer starts: the request is the `berth vm create` call.
berth_manifest() {
    local i=$1 file="$WORK/berth/vm-$1.json"
    jq -n --arg alias "bp${ID}b$i" --arg image "$BUSYBOX_IMAGE_UUID" --arg ip "$(berth_ip "$i")" \
        --arg netmask "$BERTH_NETMASK" --arg gw "$BERTH_GATEWAY" '
        {brand: "lx", alias: $alias, image_uuid: $image,
         max_physical_memory: 256, cpu_cap: 100,
         nics: [{nic_tag: "admin", ip: $ip, netmask: $netmask, primary: true}
                + (if $gw == "" then {} else {gateway: $gw} end)]}' >"$file"
    BERTH_MANIFEST=$file
}

berth_pre() { berth_manifest "$1"; }

berth_start() {
    local out
    out=$(berth vm create -f "$BERTH_MANIFEST")
    BERTH_UUIDS[$1]=$(grep -Eo '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' <<<"$out" | tail -n1)
    [[ -n "${BERTH_UUIDS[$1]}" ]] || { log "berth vm create printed no uuid: $out"; return 1; }
    PEER_IP=$(berth_ip "$1")
}

berth_clean() {
    [[ -n "${BERTH_UUIDS[$1]:-}" ]] && berth vm delete "${BERTH_UUIDS[$1]}" >/dev/null 2>&1
    ip neigh flush to "$(berth_ip "$1")" 2>/dev/null
    return 0
}

berth_teardown() { return 0; }
