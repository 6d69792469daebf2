using Berth.Api.Contracts;

namespace Berth.Core.Instances;

/// <summary>
/// Told when an instance appears, changes or goes, so that what follows instances (the firewall and anti-spoofing)
/// follows at once. The daemon wires the firewall in; a failure fails the change that caused it.
/// </summary>
public interface IInstanceChangeHook
{
    /// <param name="before">the instance before the change; null when it is new</param>
    /// <param name="after">the instance after the change; null when it is gone</param>
    Task InstanceChangedAsync(Manifest? before, Manifest? after, CancellationToken ct = default);
}

/// <summary>The hook of a host without anything to follow instances.</summary>
public sealed class NoInstanceChangeHook : IInstanceChangeHook
{
    public Task InstanceChangedAsync(Manifest? before, Manifest? after, CancellationToken ct = default) => Task.CompletedTask;
}
