namespace Berth.Bench.Storage;

/// <summary>Summary of one series of timings, in milliseconds.</summary>
internal sealed record Stats(int Count, double Median, double P90, double Min, double Max)
{
    public static Stats Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("no samples");
        }

        double[] sorted = [.. samples.Order()];
        return new Stats(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), sorted[0], sorted[^1]);
    }

    /// <summary>Nearest-rank percentile, except the median of an even count, which averages the middle two.</summary>
    private static double Percentile(double[] sorted, int p)
    {
        if (p == 50 && sorted.Length % 2 == 0)
        {
            return (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>Prints results as markdown tables, ready for docs/benchmarks.md.</summary>
internal static class Report
{
    public static string Ms(double ms) => ms >= 10 ? ms.ToString("F1") : ms.ToString("F3");

    public static void PairHeader()
    {
        Console.WriteLine("| operation | driver median (ms) | driver p90 | command median (ms) | command p90 | driver / command (median) | driver / command (p90) | runs |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
    }

    public static void PairRow(string operation, Stats driver, Stats command)
    {
        Console.WriteLine(
            $"| {operation} | {Ms(driver.Median)} | {Ms(driver.P90)} | {Ms(command.Median)} | {Ms(command.P90)} | " +
            $"{driver.Median / command.Median:F2}x | {driver.P90 / command.P90:F2}x | {driver.Count} |");
    }

    public static void StatsRow(string what, Stats s) =>
        Console.WriteLine($"| {what} | {Ms(s.Median)} | {Ms(s.P90)} | {Ms(s.Min)} | {Ms(s.Max)} | {s.Count} |");
}
