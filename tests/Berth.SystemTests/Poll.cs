namespace Berth.SystemTests;

/// <summary>Waits for a condition the way system tests wait for a state: polling, with a 5 s deadline.</summary>
internal static class Poll
{
    public static Task<bool> UntilAsync(Func<Task<bool>> condition) => UntilAsync(condition, TimeSpan.FromSeconds(5));

    /// <summary>As <see cref="UntilAsync(Func{Task{bool}})"/> with a deadline of its own (a VM booting under TCG).</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
