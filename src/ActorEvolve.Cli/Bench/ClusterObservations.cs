using System.Collections.Concurrent;
using System.Globalization;
using ActorEvolve.Engine.Protocol;
using ActorEvolve.Engine.Results;

namespace ActorEvolve.Cli.Bench;

/// <summary>What the coordinator of <c>bench cluster</c> saw, timestamped as it saw it, and the figures made of it.
/// </summary>
public sealed class ClusterObservations
{
    public readonly ConcurrentDictionary<string, DateTimeOffset> NodeUp = new();
    public readonly ConcurrentDictionary<string, DateTimeOffset> NodeGone = new();
    public readonly ConcurrentQueue<(string Trainer, string Genome, DateTimeOffset At)> Started = new();
    public readonly ConcurrentQueue<EvaluationRecorded> Finished = new();
    public readonly ConcurrentQueue<SlotAttempt> Attempts = new();
    public readonly ConcurrentDictionary<int, GenerationStarted> Generations = new();
    /// <summary>The nodes the bench kills: their loss is expected.</summary>
    public readonly ConcurrentDictionary<string, bool> Victims = new();
    readonly ConcurrentDictionary<int, TaskCompletionSource> _generationStarted = new();
    readonly TaskCompletionSource<string> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the first trainer node the bench did not kill that was removed from the cluster (the
    /// run would wait for it, or go on with fewer slots than measured).</summary>
    public Task<string> UnexpectedRemoval => _lost.Task;

    public void Removed(string node, DateTimeOffset at)
    {
        NodeGone.TryAdd(node, at);
        if (!Victims.ContainsKey(node)) _lost.TrySetResult(node);
    }

    public Task GenerationStarted(int generation) => Signal(generation).Task;
    public DateTimeOffset GenerationStartedAt(int generation) => Generations[generation].At;
    TaskCompletionSource Signal(int generation) => _generationStarted.GetOrAdd(generation,
        _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Record(GenerationStarted started)
    {
        Generations[started.Generation] = started;
        Signal(started.Generation).TrySetResult();
    }

    static string NodeOf(string trainer) => TrainerNames.NodeOf(trainer)!;

    /// <summary>A slot's name as its trainer reports it in <see cref="TrainingProgress"/>: host:port/slot.</summary>
    static string SlotOf(SlotAttempt attempt) =>
        TrainerNames.Slot(TrainerNames.Node(attempt.Trainer.Path.Address), attempt.Trainer.Path.Name);

    public IEnumerable<string> NodesUpAfter(DateTimeOffset at) =>
        NodeUp.Where(n => n.Value > at).Select(n => n.Key);

    /// <summary>The slowest of these nodes: of the time from its MemberUp to its first evaluation starting, the part
    /// in which genomes waited for a slot (a generation's tail does not count, nor the lost genomes of killed nodes
    /// waiting for the failure detector). Never negative: a joiner that came up in a generation's tail and trained in
    /// the generation in which nodes died used to be measured from the next measured window's start.</summary>
    public double? JoinToFirstEvaluation(IEnumerable<string> joined, DateTimeOffset? killedAt)
    {
        var windows = Waiting(killedAt, withDeathGeneration: true);
        var times = joined.Select(node =>
        {
            var (up, first) = (NodeUp[node], Started.Where(s => NodeOf(s.Trainer) == node).Select(s => s.At)
                .DefaultIfEmpty(DateTimeOffset.MaxValue).Min());
            return first == DateTimeOffset.MaxValue ? double.PositiveInfinity
                : windows.Sum(w => Overlap(up, first, w.From, w.To));
        }).ToArray();
        return times.Length == 0 ? null : times.Max();
    }

    /// <summary>The end of the last evaluation of the run's generations (the winner's final training comes after).
    /// </summary>
    DateTimeOffset LastResult => Finished.Max(f => f.Result.FinishedAt!.Value);

    /// <summary>Per generation (or round), while genomes waited for a slot: from its start to the start of its last
    /// evaluation, i.e. the last that started before the next generation (the winner's final training, after the
    /// last result, belongs to none).</summary>
    IEnumerable<(int Generation, DateTimeOffset From, DateTimeOffset To)> WaitingWindows()
    {
        var generations = Generations.Values.OrderBy(g => g.Generation).ToArray();
        var lastResult = LastResult;
        for (var i = 0; i < generations.Length; i++)
        {
            var (from, until) = (generations[i].At, i + 1 < generations.Length ? generations[i + 1].At : lastResult);
            var starts = Started.Where(s => s.At >= from && s.At < until).Select(s => s.At).ToArray();
            if (starts.Length > 0) yield return (generations[i].Generation, from, starts.Max());
        }
    }

    /// <summary>The slowest of the genomes in training on a node at its death, from the death to that genome
    /// starting again on another node.</summary>
    public double? DeathToElsewhere(DateTimeOffset killedAt)
    {
        var lost = Trainings().Where(t => t.Lost && t.From < killedAt).ToArray();
        var restarts = lost.Select(l => Started.Where(s => s.Genome == l.Genome && s.At > killedAt)
            .Select(s => s.At).DefaultIfEmpty(DateTimeOffset.MaxValue).Min() - killedAt).ToArray();
        return restarts.Length == 0 ? null : restarts.Max().TotalSeconds;
    }

    /// <summary>While genomes waited for a slot: in each generation (or round) from its start to the start of its
    /// last evaluation. Left out: the generation in which nodes died, and the time from the death to the dead
    /// nodes' genomes starting elsewhere (they wait for the failure detector, not for a slot; a steady-state run's
    /// rounds go on meanwhile).</summary>
    IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> MeasuredWindows(DateTimeOffset? killedAt) =>
        Waiting(killedAt, withDeathGeneration: false);

    /// <summary>The waiting windows without the time from the death to the dead nodes' genomes starting elsewhere;
    /// the generation in which nodes died whole or (<paramref name="withDeathGeneration"/> off) left out.</summary>
    IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> Waiting(DateTimeOffset? killedAt,
        bool withDeathGeneration)
    {
        var windows = WaitingWindows()
            .Where(w => withDeathGeneration || !(killedAt is { } k && k >= w.From && k <= w.To))
            .Select(w => (w.From, w.To));
        if (killedAt is { } killed)
            windows = windows.SelectMany(w => Without(w, killed, killed.AddSeconds(DeathToElsewhere(killed) ?? 0)));
        return windows.ToArray();
    }

    /// <summary>Busy slot time over usable slot time while genomes waited for a slot (<see cref="MeasuredWindows"/>).
    /// A slot is usable from its node's MemberUp until the node is unreachable or removed.</summary>
    public double Utilisation(DateTimeOffset? killedAt)
    {
        var (busy, usable) = MeasuredWindows(killedAt).Select(w => BusyAndUsable(w.From, w.To))
            .Aggregate((0.0, 0.0), (sum, w) => (sum.Item1 + w.Busy, sum.Item2 + w.Usable));
        return busy / usable;
    }

    /// <summary>The parts of a window outside the gap from <paramref name="gapFrom"/> to <paramref name="gapTo"/>.
    /// </summary>
    static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Without(
        (DateTimeOffset From, DateTimeOffset To) window, DateTimeOffset gapFrom, DateTimeOffset gapTo)
    {
        if (window.From < gapFrom) yield return (window.From, window.To < gapFrom ? window.To : gapFrom);
        if (window.To > gapTo) yield return (window.From > gapTo ? window.From : gapTo, window.To);
    }

    /// <summary>Busy slot time over usable slot time from the run's start to its last evaluation's end, every
    /// generation's tail and the dead nodes' lost trainings included.</summary>
    public double WholeRunUtilisation()
    {
        var (busy, usable) = BusyAndUsable(Generations[0].At, LastResult);
        return busy / usable;
    }

    /// <summary>The share of slot time from the run's start to its last evaluation's end spent on rung trials that
    /// were cancelled when their generation's rungs settled (early promotions that fell out: busy, but wasted).
    /// </summary>
    public double WholeRunCancelled()
    {
        var (from, to) = (Generations[0].At, LastResult);
        return Trainings().Where(t => t.Cancelled).Sum(t => Overlap(t.From, t.To, from, to))
               / BusyAndUsable(from, to).Usable;
    }

    /// <summary>Rung trials or evaluations of the generations that came back (not the winner's final training).
    /// </summary>
    public int Answered => Timeline().Count(u => u.Answered <= LastResult);

    (double Busy, double Usable) BusyAndUsable(DateTimeOffset from, DateTimeOffset to)
    {
        var trainings = Trainings();
        var trainers = trainings.Select(t => t.Slot).Distinct().Where(t => NodeUp.ContainsKey(NodeOf(t)));
        var usable = trainers.Sum(trainer => Overlap(NodeUp[NodeOf(trainer)],
            NodeGone.GetValueOrDefault(NodeOf(trainer), DateTimeOffset.MaxValue), from, to));
        var busy = trainings.Sum(t => Overlap(t.From, t.To, from, to));
        return (busy, usable);
    }

    /// <summary>A slot busy with one attempt: from the trainer's "started" reaching the coordinator to its answer
    /// reaching it; <paramref name="Lost"/>: until its node was gone; <paramref name="Cancelled"/>: a rung trial
    /// cancelled when its generation's rungs settled, until then (the generation's last answer).</summary>
    sealed record Training(string Slot, string Genome, DateTimeOffset From, DateTimeOffset To, bool Lost,
        bool Cancelled);

    IReadOnlyList<Training> Trainings()
    {
        var uses = Timeline().Where(u => u.Started is not null).ToArray();
        var answers = uses.Where(u => u.Answered is not null).Select(u => u.Answered!.Value).ToArray();
        var starts = Generations.Values.Select(g => g.At).ToArray();
        DateTimeOffset Settled(DateTimeOffset started)
        {
            var next = starts.Where(s => s > started).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            return answers.Where(a => a >= started && a < next).DefaultIfEmpty(started).Max();
        }
        return uses.Select(u =>
        {
            var from = u.Started!.Value;
            if (u.Answered is { } answered) return new Training(u.Slot, u.Genome, from, answered, false, false);
            var settled = Settled(from);
            // Lost with its node: the node went away before the generation settled, or (a steady-state round
            // settles without it) the genome started again after the node went away.
            return NodeGone.TryGetValue(NodeOf(u.Slot), out var gone) && gone > from && (gone < settled ||
                    Started.Any(s => s.Genome == u.Genome && s.At > gone))
                ? new Training(u.Slot, u.Genome, from, gone, Lost: true, Cancelled: false)
                : new Training(u.Slot, u.Genome, from, settled, Lost: false, Cancelled: true);
        }).ToArray();
    }

    static double Overlap(DateTimeOffset start, DateTimeOffset end, DateTimeOffset from, DateTimeOffset to) =>
        Math.Max(0, ((end < to ? end : to) - (start > from ? start : from)).TotalSeconds);

    /// <summary>One attempt on one slot, as the coordinator saw it: its request leaving, the trainer's "started"
    /// coming back, its answer arriving (null: lost or given up).</summary>
    sealed record SlotUse(string Slot, string Genome, int Attempt, DateTimeOffset Sent, DateTimeOffset? Started,
        DateTimeOffset? Answered);

    /// <summary>Every slot's attempts in the order their requests left (a genome can be trained twice, in two
    /// generations: each answer belongs to the latest request of its genome and attempt on that slot).</summary>
    IReadOnlyList<SlotUse> Timeline()
    {
        var started = Started.GroupBy(s => (s.Trainer, s.Genome))
            .ToDictionary(g => g.Key, g => g.Select(s => s.At).Order().ToArray());
        var uses = new List<SlotUse>();
        foreach (var slot in Attempts.GroupBy(SlotOf))
        {
            var open = new Dictionary<(string, int), int>(); // genome and attempt → its index in uses
            foreach (var attempt in slot.OrderBy(a => a.At))
            {
                var key = (attempt.GenomeKey, attempt.Attempt);
                if (!attempt.Answered)
                {
                    var start = started.GetValueOrDefault((slot.Key, attempt.GenomeKey), [])
                        .Where(s => s >= attempt.At).Cast<DateTimeOffset?>().FirstOrDefault();
                    open[key] = uses.Count;
                    uses.Add(new SlotUse(slot.Key, attempt.GenomeKey, attempt.Attempt, attempt.At, start, null));
                }
                else if (open.Remove(key, out var index)) uses[index] = uses[index] with { Answered = attempt.At };
            }
        }
        return uses.OrderBy(u => u.Slot, StringComparer.Ordinal).ThenBy(u => u.Sent).ToArray();
    }

    /// <summary>Where a slot's time goes between two trainings, while genomes waited: from an answer reaching the
    /// coordinator to the slot's next request leaving (the lending), and from that request leaving to the trainer's
    /// "started" coming back (the trip). Shares of usable slot time as in <see cref="Utilisation"/>; the gaps'
    /// median and 99th percentile in milliseconds.</summary>
    public ClusterBench.HandOver HandOver(DateTimeOffset? killedAt)
    {
        var windows = MeasuredWindows(killedAt);
        int? WindowOf(DateTimeOffset at) => windows.Select((w, i) => (w, i))
            .Where(x => x.w.From <= at && at <= x.w.To).Select(x => (int?)x.i).FirstOrDefault();
        var lending = new List<double>();
        var trips = new List<double>();
        double lendingTime = 0, tripTime = 0;
        foreach (var slot in Timeline().GroupBy(u => u.Slot))
        {
            SlotUse? previous = null;
            foreach (var use in slot)
            {
                // Only hand-overs while genomes waited: not across a generation's barrier.
                if (WindowOf(use.Sent) is { } window && previous?.Answered is { } answer && WindowOf(answer) == window)
                {
                    lending.Add((use.Sent - answer).TotalMilliseconds);
                    lendingTime += windows.Sum(w => Overlap(answer, use.Sent, w.From, w.To));
                }
                if (WindowOf(use.Sent) is not null && use.Started is { } started)
                {
                    trips.Add((started - use.Sent).TotalMilliseconds);
                    tripTime += windows.Sum(w => Overlap(use.Sent, started, w.From, w.To));
                }
                previous = use;
            }
        }
        var usable = windows.Sum(w => BusyAndUsable(w.From, w.To).Usable);
        return new ClusterBench.HandOver(lendingTime / usable, Percentile(lending, 0.5), Percentile(lending, 0.99),
            tripTime / usable, Percentile(trips, 0.5), Percentile(trips, 0.99));
    }

    static double Percentile(List<double> values, double rank) =>
        values.Count == 0 ? 0 : values.Order().ElementAt((int)Math.Ceiling(rank * values.Count) - 1);

    /// <summary>Writes the per-slot timeline (seconds from the run's start) for a closer look.</summary>
    public void WriteTimeline(string path)
    {
        var start = Generations[0].At;
        string Seconds(DateTimeOffset? at) =>
            at is { } t ? (t - start).TotalSeconds.ToString("F4", CultureInfo.InvariantCulture) : "";
        CsvRecords.WriteAll(path, Timeline().Select(u => (IReadOnlyList<string>)
                [u.Slot, u.Genome, $"{u.Attempt}", Seconds(u.Sent), Seconds(u.Started), Seconds(u.Answered)])
            .Prepend(["slot", "genome", "attempt", "sent", "started", "answered"]));
    }
}
