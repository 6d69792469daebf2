using Berth.Core.Host;
using Berth.Core.Host.Interop;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Storage.Btrfs;

/// <summary>
/// btrfs makes each snapshot of a subvolume slower the more snapshots already share its tree blocks (measured:
/// 4 ms for the 1st clone of an image, 34 ms for the 500th). So after every <see cref="GenerationSize"/> clones of
/// one source, clones come from a fresh generation of it: a reflink copy in a new subvolume, which shares the file
/// data but not the tree blocks. Generations live in .generations/GROUP/NAME/ and go with the source.
/// </summary>
public sealed partial class BtrfsDriver
{
    public const int GenerationSize = 64;

    private const string GenerationTree = ".generations";

    private readonly Lock _generations = new();

    private string GenerationDir(string dataset)
    {
        var (group, name) = DatasetName.Parse(dataset);
        return Path.Combine(_root, GenerationTree, group, name);
    }

    /// <summary>The subvolume to clone <paramref name="source"/> from now, making a new generation when the current one is used up.</summary>
    private string CloneSourceFor(string source, string sourcePath)
    {
        lock (_generations)
        {
            string dir = GenerationDir(source);
            string counter = Path.Combine(dir, "clones");
            int clones = File.Exists(counter) && int.TryParse(File.ReadAllText(counter), out int n) ? n : 0;
            string? newest = Directory.Exists(dir)
                ? Directory.GetDirectories(dir, "gen-*").OrderBy(d => int.Parse(Path.GetFileName(d)[4..], System.Globalization.CultureInfo.InvariantCulture)).LastOrDefault()
                : null;
            if (clones > 0 && clones % GenerationSize == 0)
            {
                newest = NewGeneration(dir, sourcePath, clones / GenerationSize);
            }

            Directory.CreateDirectory(dir);
            File.WriteAllText(counter, (clones + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return newest ?? sourcePath;
        }
    }

    /// <summary>A reflink copy of the source in a new subvolume, made under a hidden name and renamed when whole; the previous generation goes.</summary>
    private string NewGeneration(string dir, string sourcePath, int number)
    {
        Directory.CreateDirectory(dir);
        string final = Path.Combine(dir, $"gen-{number}");
        string temp = Path.Combine(dir, $".gen-{number}-{Guid.NewGuid():N}");
        using (SafeFileHandle parent = OpenDirectory.Open(dir))
        {
            BtrfsIoctl.SubvolumeCreate(parent, Path.GetFileName(temp));
        }

        try
        {
            CommandRunner.Default.RunCheckedAsync("cp", ["-a", "--reflink=always", sourcePath + "/.", temp]).GetAwaiter().GetResult();
            Directory.Move(temp, final);
        }
        catch (CommandFailedException e)
        {
            DestroySubvolume(temp);
            throw new BerthException(ErrorKind.Internal, $"Failed making clone generation {number} of \"{sourcePath}\": {e.Message}", e);
        }

        foreach (string older in Directory.GetDirectories(dir, "gen-*").Where(d => d != final))
        {
            DestroySubvolume(older); // clones made from it are subvolumes of their own and stay
        }

        return final;
    }

    private void DeleteGenerations(string dataset)
    {
        string dir = GenerationDir(dataset);
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (string generation in Directory.GetDirectories(dir))
        {
            DestroySubvolume(generation);
        }

        Directory.Delete(dir, recursive: true);
    }
}
