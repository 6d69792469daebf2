namespace Berth.Cli;

/// <summary>The command line was wrong in a way the parser could not see (a bad size, a bad prop=value): exit 2.</summary>
public sealed class UsageException(string message) : Exception(message);
