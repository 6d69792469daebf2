using Berth.Core.Images;

namespace Berth.Bench.Storage;

/// <summary>Fills the image dataset: the busybox rootfs plus thousands of small files, so the tree is not trivial.</summary>
internal static class ImageTree
{
    private const int FilesPerDirectory = 100;

    /// <summary>Builds the tree in <paramref name="root"/>; returns how many files and bytes were added on top of busybox.</summary>
    public static async Task<(int Files, long Bytes)> FillAsync(string root, int files, CancellationToken ct)
    {
        await BusyboxRootfs.BuildAsync(root, ct).ConfigureAwait(false);

        // A fixed seed: every run gets the same tree. Sizes mimic /usr/share: mostly small text files, a few larger.
        var random = new Random(42);
        var buffer = new byte[128 << 10];
        long bytes = 0;
        for (int i = 0; i < files; i++)
        {
            ct.ThrowIfCancellationRequested();
            string dir = Path.Combine(root, "usr", "share", "bench", $"d{i / FilesPerDirectory:D3}");
            if (i % FilesPerDirectory == 0)
            {
                Directory.CreateDirectory(dir);
            }

            int roll = random.Next(100);
            int size = roll < 70 ? random.Next(200, 2 << 10) : roll < 95 ? random.Next(2 << 10, 16 << 10) : random.Next(16 << 10, 128 << 10);
            random.NextBytes(buffer.AsSpan(0, size));
            await File.WriteAllBytesAsync(Path.Combine(dir, $"f{i:D5}.dat"), buffer.AsMemory(0, size), ct).ConfigureAwait(false);
            bytes += size;
        }

        return (files, bytes);
    }
}
