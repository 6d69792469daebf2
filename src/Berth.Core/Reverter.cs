namespace Berth.Core;

/// <summary>Collects undo steps of a multi-step change and runs them in reverse unless the change succeeded.</summary>
public sealed class Reverter : IAsyncDisposable
{
    private readonly Stack<(string What, Func<Task> Undo)> _steps = new();
    private bool _succeeded;

    public void Add(string what, Func<Task> undo) => _steps.Push((what, undo));

    public void Success() => _succeeded = true;

    /// <summary>Failures of undo steps met while reverting, for the log.</summary>
    public List<Exception> UndoFailures { get; } = [];

    public async ValueTask DisposeAsync()
    {
        if (_succeeded)
        {
            return;
        }

        while (_steps.TryPop(out var step))
        {
            try
            {
                await step.Undo().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                UndoFailures.Add(new InvalidOperationException($"Undo of \"{step.What}\" failed: {e.Message}", e));
            }
        }
    }
}
