using System.Diagnostics;
using System.Text.Json;
using Berth.Core;
using Berth.Core.Networking;

namespace Berth.SystemTests.Network;

/// <summary>NicPlumber against real bridges and veths, inside a test namespace playing the host.</summary>
public sealed class NicPlumberTests
{
    private const string Bridge = "berth0";
    private const string Gateway = "10.222.0.1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static NicPlan Nic(int index, string ip, string mac, string? gateway = Gateway) =>
        new(index, Bridge, mac, [$"{ip}/24"], gateway, null);

    [Fact]
    public async Task TwoContainersPingEachOtherAndTheGateway()
    {
        RootOnly.Require();
        await using TestHostNetns host = await TestHostNetns.CreateAsync();
        var plumber = new NicPlumber(hostNetns: host.Path);
        await plumber.EnsureBridgeAsync(Bridge, $"{Gateway}/24", null, Ct);
        int a = await host.StartContainerAsync();
        int b = await host.StartContainerAsync();
        string uuidA = Guid.NewGuid().ToString(), uuidB = Guid.NewGuid().ToString();

        IReadOnlyList<string> namesA = await plumber.AttachAsync(uuidA, a, [Nic(0, "10.222.0.2", "02:00:0a:de:00:02")], Ct);
        await plumber.AttachAsync(uuidB, b, [Nic(0, "10.222.0.3", "02:00:0a:de:00:03")], Ct);

        Assert.Equal([NicPlumber.HostInterfaceName(uuidA, 0)], namesA);
        await AssertPingsAsync(a, "10.222.0.3");
        await AssertPingsAsync(b, "10.222.0.2");
        await AssertPingsAsync(a, Gateway);

        // The MAC, address and default route inside are the plan's.
        using JsonDocument link = await JsonOfAsync(TestHostNetns.InAsync(a, "ip", "-j", "addr", "show", "dev", "eth0"));
        Assert.Equal("02:00:0a:de:00:02", link.RootElement[0].GetProperty("address").GetString());
        Assert.Contains(link.RootElement[0].GetProperty("addr_info").EnumerateArray(), x => x.GetProperty("local").GetString() == "10.222.0.2");
        using JsonDocument route = await JsonOfAsync(TestHostNetns.InAsync(a, "ip", "-j", "route", "show", "default"));
        Assert.Equal(Gateway, route.RootElement[0].GetProperty("gateway").GetString());
        Assert.Equal("eth0", route.RootElement[0].GetProperty("dev").GetString());

        // The host end is a port of the bridge.
        using JsonDocument port = await JsonOfAsync(host.IpAsync("-j", "link", "show", "dev", namesA[0]));
        Assert.Equal(Bridge, port.RootElement[0].GetProperty("master").GetString());
    }

    [Fact]
    public async Task TwoNicsOnTwoBridgesGetEth0AndEth1()
    {
        RootOnly.Require();
        await using TestHostNetns host = await TestHostNetns.CreateAsync();
        var plumber = new NicPlumber(hostNetns: host.Path);
        await plumber.EnsureBridgeAsync(Bridge, $"{Gateway}/24", null, Ct);
        await plumber.EnsureBridgeAsync("berth1", "10.223.0.1/24", 1400, Ct);
        int pid = await host.StartContainerAsync();
        string uuid = Guid.NewGuid().ToString();

        IReadOnlyList<string> names = await plumber.AttachAsync(uuid, pid,
            [Nic(0, "10.222.0.9", "02:00:0a:de:00:09"), new NicPlan(1, "berth1", "02:00:0a:df:00:09", ["10.223.0.9/24"], null, 1400)], Ct);

        Assert.Equal(2, names.Count);
        await AssertPingsAsync(pid, "10.223.0.1");
        using JsonDocument eth1 = await JsonOfAsync(TestHostNetns.InAsync(pid, "ip", "-j", "link", "show", "dev", "eth1"));
        Assert.Equal(1400, eth1.RootElement[0].GetProperty("mtu").GetInt32());
    }

    [Fact]
    public async Task DetachAndDeadContainersLeaveNoVeth()
    {
        RootOnly.Require();
        await using TestHostNetns host = await TestHostNetns.CreateAsync();
        var plumber = new NicPlumber(hostNetns: host.Path);
        await plumber.EnsureBridgeAsync(Bridge, $"{Gateway}/24", null, Ct);
        int a = await host.StartContainerAsync();
        int b = await host.StartContainerAsync();
        string uuidA = Guid.NewGuid().ToString(), uuidB = Guid.NewGuid().ToString();
        await plumber.AttachAsync(uuidA, a, [Nic(0, "10.222.0.2", "02:00:0a:de:00:02")], Ct);
        await plumber.AttachAsync(uuidB, b, [Nic(0, "10.222.0.3", "02:00:0a:de:00:03")], Ct);
        Assert.Equal(2, await VethCountAsync(host));

        await plumber.DetachAsync(uuidA, 1);
        Assert.Equal(1, await VethCountAsync(host));
        host.Kill(a);
        host.Kill(b);

        // B's veth dies with its namespace, asynchronously.
        await WaitUntilAsync(async () => await VethCountAsync(host) == 0, "veths left in the host namespace");
        await plumber.DetachAsync(uuidA, 1);
        await plumber.DetachAsync(uuidB, 3);
    }

    [Fact]
    public async Task AStaleHostVethOfTheSameNameIsReplaced()
    {
        RootOnly.Require();
        await using TestHostNetns host = await TestHostNetns.CreateAsync();
        var plumber = new NicPlumber(hostNetns: host.Path);
        await plumber.EnsureBridgeAsync(Bridge, $"{Gateway}/24", null, Ct);
        string uuid = Guid.NewGuid().ToString();
        string name = NicPlumber.HostInterfaceName(uuid, 0);
        Assert.True((await host.IpAsync("link", "add", name, "type", "veth", "peer", "name", "stale0")).Succeeded);
        int pid = await host.StartContainerAsync();

        await plumber.AttachAsync(uuid, pid, [Nic(0, "10.222.0.4", "02:00:0a:de:00:04")], Ct);

        await AssertPingsAsync(pid, Gateway);
        Assert.False((await host.IpAsync("link", "show", "dev", "stale0")).Succeeded, "the stale peer went with its veth");
    }

    [Fact]
    public async Task AFailedAttachNamesTheNicAndLeavesNothing()
    {
        RootOnly.Require();
        await using TestHostNetns host = await TestHostNetns.CreateAsync();
        var plumber = new NicPlumber(hostNetns: host.Path);
        await plumber.EnsureBridgeAsync(Bridge, $"{Gateway}/24", null, Ct);
        int pid = await host.StartContainerAsync();
        string uuid = Guid.NewGuid().ToString();

        var e = await Assert.ThrowsAsync<BerthException>(() => plumber.AttachAsync(uuid, pid,
            [Nic(0, "10.222.0.5", "02:00:0a:de:00:05"), new NicPlan(1, "nosuchbr", "02:00:0a:de:01:05", ["10.1.0.5/24"], null, null)], Ct));

        Assert.StartsWith($"Failed attaching nic 1 of {uuid} to bridge nosuchbr: ", e.Message);
        Assert.NotNull(e.InnerException);
        Assert.Equal(0, await VethCountAsync(host));
    }

    [Fact]
    public async Task EnsureBridgeIsIdempotentAndRepairs()
    {
        RootOnly.Require();
        await using TestHostNetns host = await TestHostNetns.CreateAsync();
        var plumber = new NicPlumber(hostNetns: host.Path);

        await plumber.EnsureBridgeAsync(Bridge, $"{Gateway}/24", 1450, Ct);
        await plumber.EnsureBridgeAsync(Bridge, $"{Gateway}/24", 1450, Ct);
        await AssertBridgeAsync(host, 1450);

        // Lost address, down, other mtu: the next call puts them back.
        await host.IpAsync("addr", "flush", "dev", Bridge);
        await host.IpAsync("link", "set", Bridge, "down", "mtu", "1300");
        await plumber.EnsureBridgeAsync(Bridge, $"{Gateway}/24", 1450, Ct);
        await AssertBridgeAsync(host, 1450);

        await plumber.DeleteBridgeAsync(Bridge);
        await plumber.DeleteBridgeAsync(Bridge);
        Assert.False((await host.IpAsync("link", "show", "dev", Bridge)).Succeeded);
    }

    [Fact]
    public async Task EnsureBridgeRefusesAnInterfaceThatIsNotABridge()
    {
        RootOnly.Require();
        await using TestHostNetns host = await TestHostNetns.CreateAsync();
        Assert.True((await host.IpAsync("link", "add", "notbr0", "type", "veth", "peer", "name", "notbr1")).Succeeded);

        var e = await Assert.ThrowsAsync<BerthException>(() => new NicPlumber(hostNetns: host.Path).EnsureBridgeAsync("notbr0", "10.9.0.1/24", null, Ct));

        Assert.Equal(ErrorKind.Conflict, e.Kind);
        Assert.Contains("not a bridge", e.Message);
    }

    [Fact]
    public async Task MedianAttachTime()
    {
        RootOnly.Require();
        await using TestHostNetns host = await TestHostNetns.CreateAsync();
        var plumber = new NicPlumber(hostNetns: host.Path);
        await plumber.EnsureBridgeAsync(Bridge, $"{Gateway}/24", null, Ct);
        var times = new List<double>();
        for (int i = 0; i < 11; i++)
        {
            int pid = await host.StartContainerAsync();
            string uuid = Guid.NewGuid().ToString();
            var sw = Stopwatch.StartNew();
            await plumber.AttachAsync(uuid, pid, [Nic(0, $"10.222.0.{10 + i}", $"02:00:0a:de:00:{10 + i:x2}")], Ct);
            times.Add(sw.Elapsed.TotalMilliseconds);
            await plumber.DetachAsync(uuid, 1);
            host.Kill(pid);
        }

        times.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine($"NicPlumber.AttachAsync median {times[times.Count / 2]:F1} ms over {times.Count} runs (min {times[0]:F1}, max {times[^1]:F1})");
        Assert.Equal(0, await VethCountAsync(host));
    }

    private static async Task AssertBridgeAsync(TestHostNetns host, int mtu)
    {
        using JsonDocument doc = await JsonOfAsync(host.IpAsync("-j", "-d", "addr", "show", "dev", Bridge));
        JsonElement br = doc.RootElement[0];
        Assert.Equal("bridge", br.GetProperty("linkinfo").GetProperty("info_kind").GetString());
        Assert.Contains("UP", br.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(mtu, br.GetProperty("mtu").GetInt32());
        Assert.Single(br.GetProperty("addr_info").EnumerateArray(), a => a.GetProperty("local").GetString() == Gateway && a.GetProperty("prefixlen").GetInt32() == 24);
    }

    private static async Task AssertPingsAsync(int pid, string ip)
    {
        var r = await TestHostNetns.InAsync(pid, "ping", "-c1", "-W2", ip);
        Assert.True(r.Succeeded, $"ping {ip} from {pid}: {r.Stdout}{r.Stderr}");
    }

    private static async Task<int> VethCountAsync(TestHostNetns host)
    {
        using JsonDocument doc = await JsonOfAsync(host.IpAsync("-j", "link", "show", "type", "veth"));
        return doc.RootElement.GetArrayLength();
    }

    private static async Task<JsonDocument> JsonOfAsync(Task<Berth.Core.Host.CommandResult> command)
    {
        var r = await command;
        Assert.True(r.Succeeded, $"{string.Join(' ', r.Argv)}: {r.Stderr}");
        return JsonDocument.Parse(r.Stdout);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"still {what} after 5 s");
            await Task.Delay(20);
        }
    }
}
