namespace Berth.SystemTests.Daemon;

/// <summary>One berthd process shared by the tests of a class; each test makes and deletes its own instances.</summary>
public sealed class DaemonFixture : IAsyncLifetime
{
    private Berthd? _berthd;

    internal Berthd Berthd => _berthd ?? throw new InvalidOperationException("not started (not root?)");

    public async ValueTask InitializeAsync()
    {
        if (Environment.UserName == "root")
        {
            _berthd = await Berthd.StartAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_berthd is not null)
        {
            await _berthd.DisposeAsync();
        }
    }
}
