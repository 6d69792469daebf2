#!/usr/bin/env bash
# Builds Berth and installs it under /usr/local/lib/berth with berth and berthd on the PATH.
# Skips the build when the sources have not changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX=/usr/local/lib/berth
stamp="$PREFIX/.source-hash"
hash=$( { git ls-files -s src native Directory.Build.props Directory.Packages.props packaging 2>/dev/null; \
          git diff HEAD -- src native packaging 2>/dev/null; \
          git ls-files -o --exclude-standard src native | xargs -r cat; } | sha256sum | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" && -x "$PREFIX/daemon/berthd" && -x "$PREFIX/cli/berth" && -x "$PREFIX/mdata/mdata-get" ]]; then
    echo "berth: installed build is current"
    exit 0
fi

echo "berth: building (daemon, then the CLI as a native binary)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dotnet publish src/Berth.Daemon -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$tmp/daemon" -nologo -v q
dotnet publish src/Berth.Cli -c Release -r linux-x64 -p:PublishAot=true -o "$tmp/cli" -nologo -v q
# The guest metadata tools: static, so that they run in any image; berthd mounts them into every lx instance.
native/mdata/build.sh "$tmp/mdata"
mkdir -p "$PREFIX"
rm -rf "$PREFIX/daemon.new" "$PREFIX/cli.new" "$PREFIX/mdata.new"
cp -a "$tmp/daemon" "$PREFIX/daemon.new"
cp -a "$tmp/cli" "$PREFIX/cli.new"
cp -a "$tmp/mdata" "$PREFIX/mdata.new"
rm -rf "$PREFIX/daemon" "$PREFIX/cli" "$PREFIX/mdata"
mv "$PREFIX/daemon.new" "$PREFIX/daemon"
mv "$PREFIX/cli.new" "$PREFIX/cli"
mv "$PREFIX/mdata.new" "$PREFIX/mdata"
cp packaging/berthd.service "$PREFIX/berthd.service"
ln -sf "$PREFIX/daemon/berthd" /usr/local/bin/berthd
ln -sf "$PREFIX/cli/berth" /usr/local/bin/berth
echo "$hash" > "$stamp"
echo "berth: installed berth and berthd in /usr/local/bin"
