# Peer (b): `podman run -d` of the busybox rootfs imported as an image, on podman's default bridge.
# The IP comes from `podman inspect`, inside the timed part (a user has to ask for it too).

# This host's hard limits are below podman's defaults (see MACHINE-NOTES), so podman needs these.
PODMAN_ULIMITS=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768)
declare -A PODMAN_IPS=()

podman_available() {
    command -v podman >/dev/null || { log "podman not installed: apt-get install -y podman"; return 1; }
}

podman_prepare() {
    PODMAN_IMAGE="localhost/bp${ID}-busybox:latest"
    tar -C "$ROOTFS" -c . \
        | podman import --change 'CMD ["/sbin/init"]' - "$PODMAN_IMAGE" >/dev/null 2>"$WORK/podman-import.log"
}

podman_start() {
    local name="bp${ID}p$1"
    podman run -d --name "$name" "${PODMAN_ULIMITS[@]}" \
        --memory 256m --cpu-period 100000 --cpu-quota 100000 "$PODMAN_IMAGE" >/dev/null
    PEER_IP=$(podman inspect -f '{{.NetworkSettings.IPAddress}}' "$name")
    PODMAN_IPS[$1]=$PEER_IP
}

podman_clean() {
    podman rm -f -t 0 "bp${ID}p$1" >/dev/null 2>&1
    # podman reuses addresses: drop the host's ARP entry so the next run starts cold like the others.
    [[ -n "${PODMAN_IPS[$1]:-}" ]] && ip neigh flush to "${PODMAN_IPS[$1]}" 2>/dev/null
    return 0
}

podman_teardown() {
    podman rmi -f "$PODMAN_IMAGE" >/dev/null 2>&1
    return 0
}
