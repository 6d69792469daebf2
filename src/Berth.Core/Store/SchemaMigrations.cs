namespace Berth.Core.Store;

/// <summary>Versioned schema: migration N brings the database from version N to N+1. Append only.</summary>
internal static class SchemaMigrations
{
    public static readonly IReadOnlyList<string> All =
    [
        // 0 -> 1: the first schema. Records are their wire JSON plus the columns that are looked up.
        """
        CREATE TABLE instances (
            uuid TEXT PRIMARY KEY,
            alias TEXT UNIQUE,
            state TEXT NOT NULL,
            manifest TEXT NOT NULL
        );
        CREATE TABLE images (uuid TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT, manifest TEXT NOT NULL);
        CREATE TABLE pools (name TEXT PRIMARY KEY, spec TEXT NOT NULL);
        CREATE TABLE networks (uuid TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, network TEXT NOT NULL);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,

        // 1 -> 2: IPAM. One row per address a nic holds; the primary key makes a double allocation impossible.
        // Addresses of instances made before IPAM are recorded from their manifests.
        """
        CREATE TABLE nic_addresses (
            network_uuid TEXT NOT NULL,
            ip TEXT NOT NULL,
            instance_uuid TEXT NOT NULL,
            mac TEXT NOT NULL,
            PRIMARY KEY (network_uuid, ip)
        );
        CREATE INDEX nic_addresses_by_instance ON nic_addresses (instance_uuid);
        INSERT OR IGNORE INTO nic_addresses (network_uuid, ip, instance_uuid, mac)
            SELECT n.uuid, json_extract(nic.value, '$.ip'), i.uuid, json_extract(nic.value, '$.mac')
            FROM instances i, json_each(i.manifest, '$.nics') nic
            JOIN networks n ON json_extract(n.network, '$.nic_tag') = json_extract(nic.value, '$.nic_tag')
            WHERE json_extract(nic.value, '$.ip') IS NOT NULL;
        """,

        // 2 -> 3: firewall rules (fwadm's), as their wire JSON.
        """
        CREATE TABLE fw_rules (uuid TEXT PRIMARY KEY, rule TEXT NOT NULL);
        """,

        // 3 -> 4: the host ID slot of each instance's user namespace; freed with the instance's row.
        """
        CREATE TABLE id_slots (
            slot INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE REFERENCES instances(uuid) ON DELETE CASCADE
        );
        """,

        // 4 -> 5: the intent journal. A row is written before a mutation touches the host and removed when it is
        // done (with its last record change, in one transaction); the rows left after a crash are recovered at start.
        """
        CREATE TABLE intents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            instance TEXT NOT NULL,
            verb TEXT NOT NULL,
            manifest TEXT,
            detail TEXT NOT NULL,
            started TEXT NOT NULL
        );
        """,
    ];
}
