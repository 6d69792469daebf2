#!/usr/bin/env bash
# Starts berthd when it is not running, restarts it when the installed build changed, otherwise leaves it alone.
# Instances keep running across a restart: berthd reconciles with them when it starts.
set -euo pipefail

PREFIX=/usr/local/lib/berth
RUN_DIR=/run/berth
LOG_DIR=/var/log/berth
installed=$(cat "$PREFIX/.source-hash")

wait_ready() {
    for _ in $(seq 1 100); do
        berth sysinfo -j >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "berth: berthd did not answer within 10 s; see ${1:-$LOG_DIR/berthd.log}" >&2
    tail -20 "$LOG_DIR/berthd.log" >&2 2>/dev/null || true
    return 1
}

if [[ -d /run/systemd/system ]]; then
    unit=/etc/systemd/system/berthd.service
    if ! cmp -s "$PREFIX/berthd.service" "$unit"; then
        cp "$PREFIX/berthd.service" "$unit"
        systemctl daemon-reload
    fi
    if ! systemctl is-active -q berthd; then
        systemctl enable --now berthd
    elif [[ "$(cat "$RUN_DIR/berthd.build" 2>/dev/null)" != "$installed" ]]; then
        systemctl restart berthd
    fi
    echo "$installed" > "$RUN_DIR/berthd.build"
    wait_ready "journalctl -u berthd"
    exit 0
fi

# No systemd (a container or a minimal VM): run berthd in the background with a pidfile and a log.
mkdir -p "$RUN_DIR" "$LOG_DIR"
pid=$(cat "$RUN_DIR/berthd.pid" 2>/dev/null || true)
running=false
if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q berthd "/proc/$pid/cmdline" 2>/dev/null; then
    running=true
fi

if $running && [[ "$(cat "$RUN_DIR/berthd.build" 2>/dev/null)" != "$installed" ]]; then
    echo "berth: the installed build changed; restarting berthd (instances keep running)"
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    running=false
fi

if ! $running; then
    echo "berth: starting berthd (log: $LOG_DIR/berthd.log)"
    setsid /usr/local/bin/berthd >>"$LOG_DIR/berthd.log" 2>&1 </dev/null &
    echo "$installed" > "$RUN_DIR/berthd.build"
fi
wait_ready
