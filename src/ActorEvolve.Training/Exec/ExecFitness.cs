using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Core.Randomness;

namespace ActorEvolve.Training.Exec;

/// <summary>What an <c>exec:</c> fitness runs and tells its program, all from this node's own configuration.</summary>
/// <param name="Command">A shell command line (<c>/bin/sh -c</c>), run in <paramref name="WorkingDirectory"/>.</param>
/// <param name="Args">The user's pass-through settings (<c>actorevolve.exec.args</c>), given to the program as is.
/// </param>
/// <param name="Metric">The objective's metric: the score a result line must carry, shown by progress lines.</param>
/// <param name="Timeout">One evaluation; the program is killed (with its children) when it runs longer.</param>
/// <param name="MaxEpochs">The full budget the program trains to, in epochs, for rungs; 0: not known.</param>
public sealed record ExecSettings(string Command, JsonObject Args, string Metric, TimeSpan Timeout,
    string WorkingDirectory, int MaxEpochs = 0);

/// <summary>
/// Fitness from the user's own training program, in any language: each evaluation runs the configured command as a
/// child process on the node that evaluates it, writes one JSON document to its stdin (genes, seed, run, attempt,
/// the user's args; the same in <c>ACTOREVOLVE_*</c> environment variables) and reads JSON lines from its stdout:
/// <c>{"epoch": 3, "accuracy": 0.81}</c> reports progress, <c>{"result": {"accuracy": 0.83, "loss": 0.4}}</c> is
/// the outcome (the last one counts), <c>{"unsupported": "final"}</c> declines the winner's test evaluation. Other
/// lines go to the node's log. A non-zero exit, a crash, no result, a score that is not a finite number or no exit
/// within the timeout fails the attempt (retried elsewhere) with the reason and the tail of stderr. The command is
/// never taken from a message: a coordinator cannot make a node run anything it was not started with.
/// In a rung (<see cref="EvaluateUpTo"/>) the program is told <c>"rung": {"epochs": N, "checkpoint": FOLDER}</c>
/// (<c>ACTOREVOLVE_RUNG_EPOCHS</c>, <c>ACTOREVOLVE_CHECKPOINT</c>) and its progress lines are the learning curve
/// (<see cref="RungCurve"/>).
/// </summary>
public sealed partial class ExecFitness(ExecSettings settings, SearchSpace space) : IRungFitness
{
    const int StderrTailLines = 5;

    public ExecSettings Settings => settings;

    /// <summary><c>actorevolve.exec.max-epochs</c>; 0: the program's budget is not known, so a run cannot be set up
    /// with rungs (a trainer node of one needs not know it).</summary>
    public int MaxEpochs => settings.MaxEpochs;

    public FitnessResult Evaluate(Genome genome, EvaluationContext context, CancellationToken cancellation) =>
        Run(genome, context, finalEpochs: null, rung: null, cancellation) ?? throw Declined();

    /// <summary>The program trains up to <paramref name="epochs"/>, told the checkpoint folder (created, absolute)
    /// it may continue from and leave its checkpoint in; null: none, from scratch. The result's curve is what its
    /// progress lines report (null when it prints none: it is then never seen to stop early), the epochs it trained
    /// those it printed.</summary>
    public FitnessResult EvaluateUpTo(Genome genome, int epochs, string? checkpoint, EvaluationContext context,
        CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        if (MaxEpochs > 0 && epochs > MaxEpochs) // a trainer node configured unlike its coordinator
            throw new EvaluationException(
                $"a rung of {epochs} epochs is past this node's exec.max-epochs ({MaxEpochs})");
        var folder = checkpoint is null ? null : Directory.CreateDirectory(checkpoint).FullName;
        return Run(genome, context, finalEpochs: null, new RungCurve(epochs, folder), cancellation)
               ?? throw Declined();
    }

    static EvaluationException Declined() =>
        new("the program declined a fitness evaluation ({\"unsupported\": ...})");

    /// <summary>The program is asked once more with <c>"final": {"epochs": N}</c>; null when it declines.</summary>
    public FitnessResult? EvaluateOnTestSet(Genome genome, int epochs, EvaluationContext context, string? saveModelTo,
        CancellationToken cancellation) => Run(genome, context, epochs, rung: null, cancellation);

    FitnessResult? Run(Genome genome, EvaluationContext context, int? finalEpochs, RungCurve? rung,
        CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        var request = Request(genome, context, finalEpochs, rung);
        using var process = Start(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(settings.Timeout);
        var stderr = new StderrTail(StderrTailLines);
        var errors = Task.Run(() => stderr.Drain(process.StandardError, context.Log), CancellationToken.None);
        var output = new ProgramOutput(settings.Metric, context, rung);
        var reading = Task.Run(() => output.Read(process.StandardOutput), CancellationToken.None);
        try
        {
            process.WaitForExitAsync(timeout.Token).GetAwaiter().GetResult();
            Task.WaitAll(reading, errors);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            cancellation.ThrowIfCancellationRequested();
            throw new EvaluationException($"no exit within {settings.Timeout} (killed){stderr.Describe()}");
        }
        if (process.ExitCode != 0)
            throw new EvaluationException($"{ExitDescription(process.ExitCode)}{stderr.Describe()}");
        if (output.Declined) return null;
        var result = output.Result
                     ?? throw new EvaluationException($"the program printed no result line{stderr.Describe()}");
        if (!result.TryGetValue(settings.Metric, out var score))
            throw new EvaluationException($"the result line has no '{settings.Metric}' (the objective's metric)");
        if (!double.IsFinite(score))
            throw new EvaluationException(
                $"the result's '{settings.Metric}' is {score.ToString(CultureInfo.InvariantCulture)}");
        var epochs = result.TryGetValue("epochs", out var e) ? (int)e : output.LastEpoch;
        rung?.Finish(result.TryGetValue("epochs", out var reported) ? reported : null);
        if (rung?.Problem is { } problem) throw new EvaluationException(problem);
        return new FitnessResult(score, LossOf(result), epochs, stopwatch.Elapsed.TotalSeconds, context.Trainer,
            Metrics: result, Curve: rung?.Curve, EpochsTrained: rung?.Trained);
    }

    /// <summary>A result's or progress line's loss: <c>loss</c>, else <c>validation_loss</c>, else NaN (unknown).
    /// </summary>
    static double LossOf(Dictionary<string, double> numbers) =>
        numbers.TryGetValue("loss", out var loss) ? loss : numbers.GetValueOrDefault("validation_loss", double.NaN);

    string Request(Genome genome, EvaluationContext context, int? finalEpochs, RungCurve? rung)
    {
        var genes = new JsonObject();
        foreach (var (name, value) in genome.Genes) genes[name] = GeneValue(name, value);
        return new JsonObject
        {
            ["genes"] = genes,
            ["genome"] = genome.Key,
            // As the MLP trainer derives its seed: the same run seed gives every program the same seeds.
            ["seed"] = DeterministicRng.DeriveSeed(context.RunSeed, genome.Key),
            ["run_id"] = context.RunId,
            ["attempt"] = context.Attempt,
            ["final"] = finalEpochs is { } epochs ? new JsonObject { ["epochs"] = epochs } : null,
            ["rung"] = rung is null ? null : RungRequest(rung),
            ["args"] = settings.Args.DeepClone(),
        }.ToJsonString();
    }

    /// <summary>The rung's budget and, when there is one, its checkpoint folder.</summary>
    static JsonObject RungRequest(RungCurve rung)
    {
        var request = new JsonObject { ["epochs"] = rung.Epochs };
        if (rung.Checkpoint is { } folder) request["checkpoint"] = folder;
        return request;
    }

    /// <summary>Numbers as numbers: integer and float genes, and choices whose values all are numbers.</summary>
    JsonNode? GeneValue(string name, string value)
    {
        var spec = space.Genes.FirstOrDefault(g => g.Name == name);
        var numeric = spec is IntRangeGene or FloatRangeGene
                      || spec is ChoiceGene choice && choice.Values.All(v => IsNumber(v, out _));
        if (!numeric || !IsNumber(value, out var number)) return JsonValue.Create(value);
        return spec is IntRangeGene || number == Math.Floor(number) && !value.Contains('.') && !value.Contains('E')
            ? JsonValue.Create((long)number) : JsonValue.Create(number);
    }

    static bool IsNumber(string value, out double number) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out number);

    Process Start(string request)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = settings.WorkingDirectory,
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(settings.Command);
        var document = JsonNode.Parse(request)!;
        start.Environment["ACTOREVOLVE_REQUEST"] = request;
        start.Environment["ACTOREVOLVE_SEED"] = document["seed"]!.ToJsonString();
        start.Environment["ACTOREVOLVE_RUN_ID"] = document["run_id"]!.GetValue<string>();
        start.Environment["ACTOREVOLVE_ATTEMPT"] = document["attempt"]!.ToJsonString();
        start.Environment["ACTOREVOLVE_FINAL_EPOCHS"] = document["final"]?["epochs"]?.ToJsonString() ?? "";
        start.Environment["ACTOREVOLVE_RUNG_EPOCHS"] = document["rung"]?["epochs"]?.ToJsonString() ?? "";
        start.Environment["ACTOREVOLVE_CHECKPOINT"] = document["rung"]?["checkpoint"]?.GetValue<string>() ?? "";
        foreach (var (name, value) in document["genes"]!.AsObject())
            start.Environment[$"ACTOREVOLVE_GENE_{name.ToUpperInvariant()}"] = value is JsonValue v
                && v.TryGetValue<string>(out var text) ? text : value!.ToJsonString();
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new EvaluationException($"cannot start /bin/sh for '{settings.Command}': {e.Message}");
        }
        try
        {
            process.StandardInput.Write(request);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited without reading its input: its exit code and stderr say why.
        }
        return process;
    }

    static string ExitDescription(int code) => code switch
    {
        127 => "exited with code 127 (command not found)",
        > 128 and < 160 => $"killed by signal {code - 128} (exit code {code})",
        _ => $"exited with code {code}",
    };

    /// <summary>Reads the program's stdout: progress to live views, the last result, everything else to the log.
    /// </summary>
    sealed partial class ProgramOutput(string metric, EvaluationContext context, RungCurve? rung)
    {
        public Dictionary<string, double>? Result { get; private set; }
        public bool Declined { get; private set; }
        public int LastEpoch { get; private set; }

        public void Read(StreamReader stdout)
        {
            while (stdout.ReadLine() is { } line)
                if (!TryHandle(line)) context.Log?.Invoke(line);
        }

        bool TryHandle(string line)
        {
            if (!line.TrimStart().StartsWith('{') || Parse(line) is not { } json) return false;
            if (json.ContainsKey("unsupported")) return Declined = true;
            if (json["result"] is JsonObject result)
            {
                Result = Numbers(result);
                return true;
            }
            if (json["epoch"] is not JsonValue epochValue || !epochValue.TryGetValue<double>(out var epoch))
                return false;
            LastEpoch = (int)epoch;
            var metrics = Numbers(json);
            var score = metrics.GetValueOrDefault(metric, double.NaN);
            context.Progress?.Invoke(LastEpoch, score);
            rung?.Add(epoch, new EpochScore(score, LossOf(metrics)));
            return true;
        }

        /// <summary>JSON, including the bare NaN and Infinity that Python's json module writes by default.</summary>
        static JsonObject? Parse(string line)
        {
            try
            {
                return JsonNode.Parse(NonFinite().Replace(line, "\"$1\"")) as JsonObject;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        [System.Text.RegularExpressions.GeneratedRegex(@"(?<=[:\[,]\s*)(-?Infinity|NaN)(?=\s*[,}\]])")]
        private static partial System.Text.RegularExpressions.Regex NonFinite();

        /// <summary>The numeric members of a JSON object; others (names, notes) are not metrics.</summary>
        static Dictionary<string, double> Numbers(JsonObject json)
        {
            var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, value) in json)
            {
                if (value is not JsonValue v) continue;
                if (v.GetValueKind() == JsonValueKind.Number) numbers[name] = v.GetValue<double>();
                else if (v.TryGetValue<string>(out var text) && text is "NaN" or "Infinity" or "-Infinity")
                    numbers[name] = double.Parse(text, CultureInfo.InvariantCulture);
            }
            return numbers;
        }
    }

    /// <summary>The last lines of the program's stderr, for the failure reason; all of it goes to the log.</summary>
    sealed class StderrTail(int lines)
    {
        readonly Queue<string> _tail = new();

        public void Drain(StreamReader stderr, Action<string>? log)
        {
            while (stderr.ReadLine() is { } line)
            {
                log?.Invoke(line);
                lock (_tail)
                {
                    _tail.Enqueue(line.Length > 200 ? line[..200] + "…" : line);
                    if (_tail.Count > lines) _tail.Dequeue();
                }
            }
        }

        public string Describe()
        {
            lock (_tail)
                return _tail.Count == 0 ? "" : "; stderr: " + string.Join(" | ", _tail.Select(l => l.Trim()));
        }
    }
}
