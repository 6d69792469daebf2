using Berth.Api.Contracts;
using Berth.Client;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Networking;

/// <summary>Small helpers of the networking tests: manifests with given nics, exec inside, networks made and removed.</summary>
internal static class NetTest
{
    /// <summary>A busybox container manifest with these nics (a JSON array) and extra top-level properties.</summary>
    public static string Manifest(string alias, string nicsJson, string extra = "") => $$"""
        {
          "alias": "{{alias}}",
          "brand": "lx",
          "image_uuid": "{{Berthd.BusyboxUuid}}",
          "max_physical_memory": 64,
          "quota": 0,
          "nics": {{nicsJson}}{{(extra.Length > 0 ? "," : "")}}
          {{extra}}
        }
        """;

    public static async Task<string> ExecAsync(Berthd berthd, string id, params string[] argv) =>
        (await berthd.Client.ExecAsync(id, new ExecRequest { Argv = [.. argv] })).Stdout;

    /// <summary>True when instance <paramref name="id"/> gets an answer from <paramref name="ip"/>.</summary>
    public static async Task<bool> PingsAsync(Berthd berthd, string id, string ip) =>
        (await berthd.Client.ExecAsync(id, new ExecRequest { Argv = ["ping", "-c", "1", "-W", "1", ip] })).ExitCode == 0;

    public static Task<UpdateResult> UpdateAsync(Berthd berthd, string id, string json) =>
        berthd.Client.UpdateVmAsync(id, BerthClient.Utf8(json));

    public static async Task DeleteQuietlyAsync(Berthd berthd, params string[] ids)
    {
        foreach (string id in ids)
        {
            try
            {
                await berthd.Client.DeleteVmAsync(id);
            }
            catch (BerthApiException)
            {
                // already gone
            }
        }
    }

    public static async Task DeleteNetworkQuietlyAsync(Berthd berthd, string name)
    {
        try
        {
            await berthd.Client.DeleteNetworkAsync(name);
        }
        catch (BerthApiException)
        {
            // already gone, or still used by a failed test's instance (the test host goes anyway)
        }
    }

    /// <summary>`ip -o link` and `bridge link` of the test host, to look for what an instance left.</summary>
    public static async Task<string> HostLinksAsync(Berthd berthd) =>
        (await berthd.Host.InNetnsAsync("ip", "-o", "link")).Stdout + (await berthd.Host.InNetnsAsync("bridge", "link")).Stdout;
}
