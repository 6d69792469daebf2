namespace Berth.Core.Instances;

/// <summary>Called before each step of an instance's create: a design seam through which tests inject failures and kills.</summary>
public interface ICreateObserver
{
    /// <param name="step">record | dataset | quota | container | network | start | running</param>
    Task BeforeStepAsync(string step, string uuid);
}

/// <summary>The observer of a production daemon: it does nothing.</summary>
public sealed class NoCreateObserver : ICreateObserver
{
    public Task BeforeStepAsync(string step, string uuid) => Task.CompletedTask;
}
