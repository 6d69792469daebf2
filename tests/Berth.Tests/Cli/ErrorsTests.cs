using System.Text;
using Berth.Api.Contracts;
using Berth.Cli;
using Berth.Client;

namespace Berth.Tests.Cli;

public sealed class ErrorsTests
{
    private static readonly Problem s_invalid = new()
    {
        Status = 400,
        Title = "InvalidArgument",
        Detail = "the manifest is not valid",
        Errors = [new PropertyError("nics[0].ip", "\"10.1.1\" is not an IPv4 address"), new PropertyError("brand", "is required")],
    };

    [Fact]
    public void AFailedCallExitsOneAndNamesEachProperty()
    {
        var e = new BerthApiException(400, s_invalid);
        Assert.Equal(ExitCodes.Failed, ExitCodes.Of(e));
        Assert.Equal(
            ["berth: the manifest is not valid", "  nics[0].ip: \"10.1.1\" is not an IPv4 address", "  brand: is required"],
            ExitCodes.Describe(e));
    }

    [Fact]
    public void ConflictsAndMissingInstancesExitOne()
    {
        Assert.Equal(ExitCodes.Failed, ExitCodes.Of(new BerthApiException(404, new Problem { Detail = "no instance \"web\"" })));
        Assert.Equal(ExitCodes.Failed, ExitCodes.Of(new BerthApiException(409, new Problem { Detail = "instance is running" })));
        Assert.Equal(ExitCodes.Failed, ExitCodes.Of(new BerthUnreachableException("/x.sock", new IOException("no such socket"))));
    }

    [Fact]
    public void ALoneErrorAlreadyInTheDetailIsSaidOnce()
    {
        var e = new BerthApiException(400, new Problem { Detail = "bogus: unknown property", Errors = [new PropertyError("bogus", "unknown property")] });
        Assert.Equal(["berth: bogus: unknown property"], ExitCodes.Describe(e));
    }

    [Fact]
    public void UsageErrorsExitTwo()
    {
        Assert.Equal(ExitCodes.Usage, ExitCodes.Of(new UsageException("bad")));
        Assert.Equal(["berth: bad"], ExitCodes.Describe(new UsageException("bad")));
    }

    [Fact]
    public void ValidationPrintsOneLinePerProperty()
    {
        Assert.Equal(["nics[0].ip: \"10.1.1\" is not an IPv4 address", "brand: is required"], VmCommands.ValidationLines(s_invalid));
        Assert.Equal(["the body is not valid JSON"], VmCommands.ValidationLines(new Problem { Detail = "the body is not valid JSON" }));
    }

    [Fact]
    public void ReadsBerthsOwnProblem()
    {
        byte[] body = Encoding.UTF8.GetBytes("""{"type":"about:blank","title":"InvalidArgument","status":400,"detail":"bad","kind":"InvalidArgument","errors":[{"property":"alias","message":"too long"}]}""");
        Problem p = ProblemReader.Read(400, "Bad Request", body);
        Assert.Equal("bad", p.Detail);
        Assert.Equal([new PropertyError("alias", "too long")], p.Errors!);
    }

    [Fact]
    public void ReadsForeignProblemsLeniently()
    {
        // ASP.NET's own problems carry traceId, which Berth's strict contracts reject.
        byte[] body = Encoding.UTF8.GetBytes("""{"type":"x","title":"Not Found","status":404,"traceId":"00-1","errors":[{"property":"id","message":"m"}]}""");
        Problem p = ProblemReader.Read(404, "Not Found", body);
        Assert.Equal("Not Found", p.Detail);
        Assert.Equal(404, p.Status);
        Assert.Equal([new PropertyError("id", "m")], p.Errors!);
    }

    [Fact]
    public void ReadsBodiesThatAreNotJson()
    {
        Assert.Equal("upstream broke", ProblemReader.Read(502, "Bad Gateway", Encoding.UTF8.GetBytes("upstream broke\n")).Detail);
        Assert.Equal("berthd answered HTTP 405 Method Not Allowed", ProblemReader.Read(405, "Method Not Allowed", []).Detail);
    }
}
