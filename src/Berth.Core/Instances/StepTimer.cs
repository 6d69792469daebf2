using System.Diagnostics;
using System.Text;

namespace Berth.Core.Instances;

/// <summary>Times the steps of a multi-step change, for a log line that shows where the time went.</summary>
internal sealed class StepTimer
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(string Step, TimeSpan At)> _marks = [];

    /// <summary>Marks the start of a step; the previous step ends here.</summary>
    public void Begin(string step) => _marks.Add((step, _clock.Elapsed));

    public double TotalMilliseconds => _clock.Elapsed.TotalMilliseconds;

    /// <summary>"record 0.9 ms, dataset 2.1 ms, ..." up to now.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (int i = 0; i < _marks.Count; i++)
        {
            TimeSpan end = i + 1 < _marks.Count ? _marks[i + 1].At : _clock.Elapsed;
            text.Append(i == 0 ? "" : ", ").Append(_marks[i].Step).Append(' ')
                .Append((end - _marks[i].At).TotalMilliseconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).Append(" ms");
        }

        return text.ToString();
    }
}
