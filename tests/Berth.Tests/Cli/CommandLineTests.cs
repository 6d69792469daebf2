using System.CommandLine;
using System.Net.Sockets;
using Berth.Api.Contracts;
using Berth.Cli;
using Berth.Client;

namespace Berth.Tests.Cli;

public sealed class CommandLineTests
{
    private static ParseResult Parse(string line) => BerthCommand.Build().Parse(line);

    [Fact]
    public void ExecTakesTheCommandAfterTheDoubleDash()
    {
        ParseResult parse = Parse("vm exec web -- ls -l /");
        Assert.Empty(parse.Errors);
        Assert.Equal("exec", parse.CommandResult.Command.Name);
        Assert.Equal(["ls", "-l", "/"], parse.GetValue<string[]>("COMMAND")!);
    }

    [Theory]
    [InlineData("vm")]
    [InlineData("vm frobnicate")]
    [InlineData("vm get")]
    [InlineData("vm stop web -t soon")]
    [InlineData("pool create --driver zfs")]
    [InlineData("network create lan --subnet 10.0.0.0/24")]
    [InlineData("image install -m m.json")]
    public void UsageMistakesAreParseErrors(string line) => Assert.NotEmpty(Parse(line).Errors);

    [Theory]
    [InlineData("vm list -o uuid,alias -s -ram -p -H state=running")]
    [InlineData("vm ls -j")]
    [InlineData("-j vm get web")]
    [InlineData("vm stop web -F -t 5")]
    [InlineData("vm update web max_physical_memory=1024 alias=new")]
    [InlineData("vm rm web")]
    [InlineData("pool create tank --file /tmp/p.img --size 1G --driver btrfs")]
    [InlineData("network create lan --nic-tag lan --subnet 10.0.0.0/24 --gateway 10.0.0.1 --resolver 1.1.1.1 --resolver 8.8.8.8")]
    [InlineData("--socket /tmp/b.sock sysinfo")]
    public void VmadmStyleLinesParse(string line) => Assert.Empty(Parse(line).Errors);

    [Fact]
    public void PoolCreateTurnsSizesIntoBytesAndRefusesDeviceWithFile()
    {
        PoolCreateRequest r = PoolCommands.Request("tank", null, "/tmp/p.img", "20G", "btrfs");
        Assert.Equal(20L << 30, r.Size);
        Assert.Equal("/tmp/p.img", r.File);
        Assert.Throws<UsageException>(() => PoolCommands.Request(null, "/dev/vdb", "/tmp/p.img", null, null));
    }

    [Fact]
    public async Task AnUnreachableDaemonIsAClearFailureExitingOne()
    {
        string socket = Path.Combine(Path.GetTempPath(), $"berth-none-{Guid.NewGuid():N}.sock");
        using var client = new BerthClient(socket);
        BerthUnreachableException e = await Assert.ThrowsAsync<BerthUnreachableException>(() => client.GetSysinfoAsync(TestContext.Current.CancellationToken));
        Assert.Equal($"cannot reach berthd at {socket}: is it running? (no such socket)", e.Message);
        Assert.Equal(ExitCodes.Failed, await Parse($"vm list --socket {socket}").InvokeAsync(cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AStaleSocketIsRefusedClearly()
    {
        // A bound but never-listening socket refuses connections, as a dead berthd's stale socket does.
        string path = Path.Combine(Path.GetTempPath(), $"berth-dead-{Guid.NewGuid():N}.sock");
        using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        stale.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            using var client = new BerthClient(path);
            BerthUnreachableException e = await Assert.ThrowsAsync<BerthUnreachableException>(() => client.ListVmsAsync(ct: TestContext.Current.CancellationToken));
            Assert.Contains("connection refused", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TheSocketIsTheGivenOneElseTheEnvironmentsElseTheDefault()
    {
        string? before = Environment.GetEnvironmentVariable(BerthClient.SocketEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(BerthClient.SocketEnvironmentVariable, null);
            Assert.Equal("/run/berth/berth.sock", BerthClient.ResolveSocketPath(null));
            Environment.SetEnvironmentVariable(BerthClient.SocketEnvironmentVariable, "/tmp/env.sock");
            Assert.Equal("/tmp/env.sock", BerthClient.ResolveSocketPath(null));
            Assert.Equal("/tmp/given.sock", BerthClient.ResolveSocketPath("/tmp/given.sock"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(BerthClient.SocketEnvironmentVariable, before);
        }
    }
}
