namespace Berth.SystemTests;

/// <summary>Waits for a condition the way system tests wait for a state: polling, with a 5 s deadline.</summary>
internal static class Poll
{
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
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
