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

        // 1 -> 2: the intent journal. A row is written before a mutation touches the host and removed when it is
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
