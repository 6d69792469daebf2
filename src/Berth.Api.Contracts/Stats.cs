namespace Berth.Api.Contracts;

/// <summary>
/// One instance's resource use, as <c>berth stat</c> shows it (zonestat's columns): totals since the instance started and
/// rates over the last interval. Counters and rates are absent while the instance does not run.
/// </summary>
public sealed record InstanceStats
{
    public required string Uuid { get; init; }
    public string? Alias { get; init; }
    public string? Brand { get; init; }
    public string? State { get; init; }
    /// <summary>When the figures were read (UTC).</summary>
    public DateTimeOffset? Timestamp { get; init; }
    /// <summary>The seconds the rates are measured over.</summary>
    public double? IntervalSeconds { get; init; }

    /// <summary>CPU used over the interval in percent of one CPU (the unit of cpu_cap).</summary>
    public double? CpuPercent { get; init; }
    public long? CpuCap { get; init; }
    public double? CpuSeconds { get; init; }
    /// <summary>Time the CPU cap held the instance back.</summary>
    public double? ThrottledSeconds { get; init; }

    public long? MemoryBytes { get; init; }
    public long? MemoryLimitBytes { get; init; }
    public long? SwapBytes { get; init; }
    /// <summary>Memory plus swap, as max_swap counts it.</summary>
    public long? SwapLimitBytes { get; init; }

    /// <summary>Processes and threads (what max_lwps limits).</summary>
    public long? Processes { get; init; }
    public long? MaxLwps { get; init; }

    public long? DiskReadBytes { get; init; }
    public long? DiskWriteBytes { get; init; }
    public double? DiskReadBytesPerSecond { get; init; }
    public double? DiskWriteBytesPerSecond { get; init; }

    /// <summary>Bytes the instance received over all its nics.</summary>
    public long? NetRxBytes { get; init; }
    public long? NetTxBytes { get; init; }
    public double? NetRxBytesPerSecond { get; init; }
    public double? NetTxBytesPerSecond { get; init; }
}

/// <summary>One process of an instance, as <c>berth top</c> shows it (prstat's columns).</summary>
public sealed record InstanceProcess
{
    /// <summary>The pid on the host.</summary>
    public required int Pid { get; init; }
    /// <summary>The pid inside the instance.</summary>
    public int? InstancePid { get; init; }
    public int? Ppid { get; init; }
    public int? Uid { get; init; }
    /// <summary>The kernel's state letter: R running, S sleeping, D disk wait, Z zombie, T stopped.</summary>
    public string? State { get; init; }
    public int? Threads { get; init; }
    public long? SizeBytes { get; init; }
    public long? RssBytes { get; init; }
    public double? CpuSeconds { get; init; }
    public double? CpuPercent { get; init; }
    public int? Nice { get; init; }
    public string? Command { get; init; }
}
