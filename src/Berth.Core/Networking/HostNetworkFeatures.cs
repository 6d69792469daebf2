using System.IO.Compression;

namespace Berth.Core.Networking;

/// <summary>What this host's kernel can do for networks, read from /proc/config.gz where the kernel publishes it.</summary>
public static class HostNetworkFeatures
{
    private static readonly Lazy<string?> s_config = new(ReadConfig);

    /// <summary>The sentence Berth says when a VLAN is asked of a kernel without 802.1Q bridge filtering.</summary>
    public const string NoVlanReason =
        "this host's kernel has no 802.1Q VLAN support (CONFIG_VLAN_8021Q and CONFIG_BRIDGE_VLAN_FILTERING are off), so bridges cannot filter VLANs";

    /// <summary>False when the kernel's configuration says bridges cannot filter VLANs; null when the kernel does not say.</summary>
    public static bool? VlanFiltering => Enabled("CONFIG_BRIDGE_VLAN_FILTERING");

    public static bool? Vxlan => Enabled("CONFIG_VXLAN");

    private static bool? Enabled(string option) => s_config.Value is not { } config
        ? null
        : config.Contains($"\n{option}=y", StringComparison.Ordinal) || config.Contains($"\n{option}=m", StringComparison.Ordinal);

    private static string? ReadConfig()
    {
        try
        {
            using var gz = new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress);
            using var reader = new StreamReader(gz);
            return "\n" + reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }
}
