namespace Berth.Bench.Storage;

/// <summary>Command-line settings of the storage benchmark.</summary>
/// <param name="Runs">timed runs per operation (snapshot, clone, delete, each against its command)</param>
/// <param name="Warmup">untimed runs per operation before timing (JIT, caches)</param>
/// <param name="Scale">instances cloned from the one image for the scaling test</param>
/// <param name="Files">small files added to the busybox tree of the image</param>
/// <param name="PoolBytes">size of the sparse loop file holding the pool</param>
/// <param name="WorkDir">where the loop file and mountpoint go; made when missing</param>
/// <param name="Quota">simple (the pool's default), qgroup (classic) or none (turned off after the pool is made)</param>
internal sealed record Options(int Runs, int Warmup, int Scale, int Files, long PoolBytes, string WorkDir, string Quota)
{
    public const string Usage =
        "usage: Berth.Bench.Storage [--runs N(200)] [--warmup N(5)] [--scale N(500)] [--files N(5000)] [--pool-gib N(4)] [--work DIR] [--quota simple|qgroup|none]";

    public static Options Parse(string[] args)
    {
        int runs = 200, warmup = 5, scale = 500, files = 5000;
        long poolGib = 4;
        string? work = null;
        string quota = "simple";
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            switch (args[i])
            {
                case "--runs": runs = Positive(args[i], value); break;
                case "--warmup": warmup = int.Parse(value); break;
                case "--scale": scale = Positive(args[i], value); break;
                case "--files": files = int.Parse(value); break;
                case "--pool-gib": poolGib = Positive(args[i], value); break;
                case "--work": work = value; break;
                case "--quota" when value is "simple" or "qgroup" or "none": quota = value; break;
                default: throw new ArgumentException($"unknown argument {args[i]}\n{Usage}");
            }

            i++;
        }

        // The scaling test reports the median of the first and of the last ten clones.
        if (scale < 20)
        {
            throw new ArgumentException($"--scale must be at least 20\n{Usage}");
        }

        work ??= Directory.CreateTempSubdirectory("bench-storage.").FullName;
        return new Options(runs, warmup, scale, files, poolGib << 30, Path.GetFullPath(work), quota);
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, out int n) && n > 0 ? n : throw new ArgumentException($"{name} must be a positive number, not \"{value}\"");
}
