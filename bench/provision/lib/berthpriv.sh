# Peer "berthpriv": the berth peer with `"privileged": true` in each manifest, which switches off the
# hardened default (no user namespace, no idmapped root, no seccomp filter). MODE=hardening runs it beside
# the berth peer and prints hardened / unhardened (issue 9: must stay within 1.2x).

berthpriv_available() { berth_available; }

berthpriv_prepare() { berth_prepare; }

berthpriv_pre() {
    berth_manifest "$1"
    jq '. + {privileged: true}' "$BERTH_MANIFEST" >"$BERTH_MANIFEST.priv" && mv "$BERTH_MANIFEST.priv" "$BERTH_MANIFEST"
}

berthpriv_start() { berth_start "$1"; }

berthpriv_clean() { berth_clean "$1"; }

berthpriv_teardown() { return 0; }
