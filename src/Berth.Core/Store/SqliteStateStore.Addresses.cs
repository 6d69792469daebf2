using Berth.Api.Contracts;
using Berth.Core.Manifests;
using Berth.Core.Networking;
using Microsoft.Data.Sqlite;

namespace Berth.Core.Store;

public sealed partial class SqliteStateStore
{
    // Claims queue here rather than in SQLite's busy handler, which sleeps and retries and is not fair under 200 writers.
    private readonly SemaphoreSlim _claims = new(1, 1);

    public async Task<IReadOnlyList<string>> ClaimAddressesAsync(string instanceUuid, IReadOnlyList<AddressClaim> claims, CancellationToken ct = default)
    {
        if (claims.Count == 0)
        {
            return [];
        }

        await _claims.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await using SqliteConnection db = await OpenAsync(ct).ConfigureAwait(false);
            // BEGIN IMMEDIATE: the write lock is taken before the first read, so what is read as free stays free.
            await using var tx = (SqliteTransaction)await db.BeginTransactionAsync(ct).ConfigureAwait(false);
            var result = new List<string>();
            foreach (AddressClaim claim in claims)
            {
                result.Add(await ClaimOneAsync(db, tx, instanceUuid, claim, ct).ConfigureAwait(false));
            }

            await tx.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _claims.Release();
        }
    }

    private static async Task<string> ClaimOneAsync(SqliteConnection db, SqliteTransaction tx, string instanceUuid, AddressClaim claim, CancellationToken ct)
    {
        Dictionary<uint, (string Instance, string Mac)> held = await HeldAsync(db, tx, claim.NetworkUuid, ct).ConfigureAwait(false);
        uint address;
        if (claim.Ip is not null)
        {
            if (!Ipv4.TryParse(claim.Ip, out address))
            {
                throw BerthException.Invalid(claim.Property, $"\"{claim.Ip}\" is not an IPv4 address");
            }

            if (held.TryGetValue(address, out (string Instance, string Mac) holder))
            {
                if (holder.Instance == instanceUuid && holder.Mac == claim.Mac)
                {
                    return claim.Ip;
                }

                string name = await InstanceNameAsync(db, tx, holder.Instance, ct).ConfigureAwait(false);
                throw new BerthException(ErrorKind.Conflict, $"{claim.Property}: {claim.Ip} is already used by instance {name} on network \"{claim.NetworkName}\"",
                    [new PropertyError(claim.Property, $"{claim.Ip} is already used by instance {name}")]);
            }
        }
        else
        {
            HashSet<uint> used = [.. held.Keys];
            address = Ipam.PickFree(claim.First, claim.Last, used, claim.Excluded)
                ?? throw new BerthException(ErrorKind.Conflict,
                    $"{claim.Property}: network \"{claim.NetworkName}\" has no free address: all {Ipam.Capacity(claim.First, claim.Last, claim.Excluded)} of its range {Ipv4.Format(claim.First)}-{Ipv4.Format(claim.Last)} are in use",
                    [new PropertyError(claim.Property, $"network \"{claim.NetworkName}\" has no free address in {Ipv4.Format(claim.First)}-{Ipv4.Format(claim.Last)}")]);
        }

        string ip = Ipv4.Format(address);
        await using SqliteCommand insert = db.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO nic_addresses (network_uuid, ip, instance_uuid, mac) VALUES ($n, $ip, $i, $m)";
        insert.Parameters.AddWithValue("$n", claim.NetworkUuid);
        insert.Parameters.AddWithValue("$ip", ip);
        insert.Parameters.AddWithValue("$i", instanceUuid);
        insert.Parameters.AddWithValue("$m", claim.Mac);
        await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return ip;
    }

    // "alias (uuid)" when the holder has an alias, for messages.
    private static async Task<string> InstanceNameAsync(SqliteConnection db, SqliteTransaction tx, string uuid, CancellationToken ct)
    {
        await using SqliteCommand select = db.CreateCommand();
        select.Transaction = tx;
        select.CommandText = "SELECT alias FROM instances WHERE uuid = $i";
        select.Parameters.AddWithValue("$i", uuid);
        return await select.ExecuteScalarAsync(ct).ConfigureAwait(false) is string alias ? $"{alias} ({uuid})" : uuid;
    }

    private static async Task<Dictionary<uint, (string, string)>> HeldAsync(SqliteConnection db, SqliteTransaction? tx, string networkUuid, CancellationToken ct)
    {
        await using SqliteCommand select = db.CreateCommand();
        select.Transaction = tx;
        select.CommandText = "SELECT ip, instance_uuid, mac FROM nic_addresses WHERE network_uuid = $n";
        select.Parameters.AddWithValue("$n", networkUuid);
        var held = new Dictionary<uint, (string, string)>();
        await using SqliteDataReader reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            if (Ipv4.TryParse(reader.GetString(0), out uint a))
            {
                held[a] = (reader.GetString(1), reader.GetString(2));
            }
        }

        return held;
    }

    public async Task ReleaseAddressesAsync(string instanceUuid, IReadOnlyCollection<string>? macs = null, CancellationToken ct = default)
    {
        if (macs is null)
        {
            await WriteAsync("DELETE FROM nic_addresses WHERE instance_uuid = $i", [("$i", instanceUuid)], instanceUuid, ct).ConfigureAwait(false);
            return;
        }

        foreach (string mac in macs)
        {
            await WriteAsync("DELETE FROM nic_addresses WHERE instance_uuid = $i AND mac = $m", [("$i", instanceUuid), ("$m", mac)], instanceUuid, ct)
                .ConfigureAwait(false);
        }
    }

    public Task<int> ReleaseOrphanAddressesAsync(CancellationToken ct = default) =>
        WriteAsync("DELETE FROM nic_addresses WHERE instance_uuid NOT IN (SELECT uuid FROM instances)", [], "addresses", ct);

    public async Task<IReadOnlyList<HeldAddress>> ListAddressesAsync(string networkUuid, CancellationToken ct = default)
    {
        await using SqliteConnection db = await OpenAsync(ct).ConfigureAwait(false);
        Dictionary<uint, (string Instance, string Mac)> held = await HeldAsync(db, null, networkUuid, ct).ConfigureAwait(false);
        return [.. held.OrderBy(kv => kv.Key).Select(kv => new HeldAddress(Ipv4.Format(kv.Key), kv.Value.Instance, kv.Value.Mac))];
    }
}
