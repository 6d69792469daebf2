using Berth.Cli;

namespace Berth.Tests.Cli;

public sealed class SizesTests
{
    [Theory]
    [InlineData("20G", 20L << 30)]
    [InlineData("512M", 512L << 20)]
    [InlineData("512m", 512L << 20)]
    [InlineData("1T", 1L << 40)]
    [InlineData("64K", 64L << 10)]
    [InlineData("20GiB", 20L << 30)]
    [InlineData("20GB", 20L << 30)]
    [InlineData("4096", 4096)]
    [InlineData("4096B", 4096)]
    [InlineData(" 2G ", 2L << 30)]
    public void ParsesSizesInPowersOf1024(string text, long bytes) => Assert.Equal(bytes, Sizes.ParseBytes(text));

    [Theory]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("0")]
    [InlineData("-1G")]
    [InlineData("1.5G")]
    [InlineData("12X")]
    [InlineData("20 G")]
    [InlineData("9999999999P")]
    public void RefusesWhatIsNotASizeAsAUsageError(string text)
    {
        UsageException e = Assert.Throws<UsageException>(() => Sizes.ParseBytes(text));
        Assert.Contains(text.Trim(), e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(512, "512")]
    [InlineData(20L << 30, "20G")]
    [InlineData(512L << 20, "512M")]
    [InlineData(3L << 29, "1.5G")]
    [InlineData(1L << 40, "1T")]
    public void FormatsBytesForPeople(long bytes, string text) => Assert.Equal(text, Sizes.Format(bytes));
}
