#!/usr/bin/env bash
# Storage benchmark (issue 3): snapshot, clone-from-image and delete through Berth's btrfs driver (ioctls,
# in process) against the bare `btrfs subvolume snapshot` / `delete` commands, and the clone time of the
# 1st against the 500th instance cloned from one image. Run as root by hand; see README.md.
#
#   bench/storage/run.sh                       # N=200 runs per operation, 500 clones
#   N=50 SCALE=500 FILES=5000 QUOTA=none bench/storage/run.sh
set -euo pipefail

N=${N:-200}             # timed runs per operation
WARMUP=${WARMUP:-5}     # untimed runs per operation first
SCALE=${SCALE:-500}     # clones kept for the scaling test
FILES=${FILES:-5000}    # small files added to the busybox image tree
POOL_GIB=${POOL_GIB:-4} # sparse loop file size
QUOTA=${QUOTA:-simple}  # simple (the pool default) | qgroup | none

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ $EUID -eq 0 ]] || { echo "run as root" >&2; exit 2; }
for tool in dotnet btrfs mkfs.btrfs losetup /bin/busybox; do
    command -v "$tool" >/dev/null || { echo "missing $tool (btrfs-progs, busybox-static, .NET 10 SDK)" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/bench-storage.XXXXXX)

# The program deletes its datasets and pool itself; this catches what a kill -9 or a crash leaves.
cleanup() {
    local rc=$? loop
    set +e
    if mountpoint -q "$WORK/pool"; then
        umount "$WORK/pool"
    fi
    if [[ -f "$WORK/pool.img" ]]; then
        for loop in $(losetup -n -O NAME -j "$WORK/pool.img"); do losetup -d "$loop"; done
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dotnet build "$HERE/Berth.Bench.Storage.csproj" -c Release -v quiet -nologo >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; exit 1; }
dotnet "$HERE/bin/Release/net10.0/Berth.Bench.Storage.dll" \
    --runs "$N" --warmup "$WARMUP" --scale "$SCALE" --files "$FILES" --pool-gib "$POOL_GIB" --work "$WORK" --quota "$QUOTA"
