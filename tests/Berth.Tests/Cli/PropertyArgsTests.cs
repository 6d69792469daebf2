using System.Text;
using Berth.Cli;

namespace Berth.Tests.Cli;

public sealed class PropertyArgsTests
{
    private static string Json(params string[] args) => Encoding.UTF8.GetString(PropertyArgs.ToJson(args));

    [Fact]
    public void IntegersBecomeNumbersAndTrueFalseBooleans() =>
        Assert.Equal("""{"max_physical_memory":512,"cpu_cap":-1,"autoboot":false,"firewall_enabled":true}""",
            Json("max_physical_memory=512", "cpu_cap=-1", "autoboot=false", "firewall_enabled=true"));

    [Fact]
    public void EverythingElseIsAString() =>
        Assert.Equal("""{"alias":"web-1","hostname":"007","note":"True","empty":"","eq":"a=b"}""",
            Json("alias=web-1", "hostname=007", "note=True", "empty=", "eq=a=b"));

    [Fact]
    public void BracketsAndBracesThatParseStayJson() =>
        Assert.Equal("""{"resolvers":["8.8.8.8","1.1.1.1"],"tags":{"role":"web"}}""",
            Json("""resolvers=["8.8.8.8","1.1.1.1"]""", """tags={"role":"web"}"""));

    [Theory]
    [InlineData("alias")]
    [InlineData("=web")]
    [InlineData("resolvers=[8.8.8.8")]
    public void RefusesMalformedAssignments(string arg) => Assert.Throws<UsageException>(() => Json(arg));

    [Fact]
    public void RefusesAPropertyGivenTwice()
    {
        UsageException e = Assert.Throws<UsageException>(() => Json("alias=a", "alias=b"));
        Assert.Contains("alias", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesNothingToUpdate() => Assert.Throws<UsageException>(() => Json());
}
