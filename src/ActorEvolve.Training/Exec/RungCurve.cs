using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ActorEvolve.Core.Fitness;

namespace ActorEvolve.Training.Exec;

/// <summary>
/// The learning curve of an <c>exec:</c> program's rung trial, from its progress lines: epochs counted from the first
/// its training ever ran, one by one, none past the rung's budget (else <see cref="Problem"/> says why, in one line).
/// A program continuing from its checkpoint may print only the epochs it trains: the earlier ones are kept beside
/// its checkpoint (<see cref="FileName"/>, rewritten after every progress line, so a program that prints an epoch
/// before it saves it never leaves a checkpoint ahead of the curve); one that prints from epoch 1 replaces them.
/// </summary>
sealed class RungCurve
{
    public const string FileName = ".actorevolve-curve.json";

    static readonly JsonSerializerOptions Json =
        new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    readonly string? _file;
    readonly IReadOnlyList<EpochScore> _saved;
    readonly List<EpochScore> _curve = [];
    bool _printed;
    int _kept; // epochs of the saved curve before the first printed one

    /// <param name="checkpoint">The program's checkpoint folder, or null: the curve is its progress lines alone.
    /// </param>
    public RungCurve(int epochs, string? checkpoint)
    {
        Epochs = epochs;
        Checkpoint = checkpoint;
        _file = checkpoint is null ? null : Path.Combine(checkpoint, FileName);
        _saved = _file is null ? [] : Load(_file);
    }

    /// <summary>The rung's budget and checkpoint folder, as the program is told them.</summary>
    public int Epochs { get; }

    public string? Checkpoint { get; }

    /// <summary>Why the progress lines cannot be the curve of this rung (the attempt fails with it), or null.
    /// </summary>
    public string? Problem { get; private set; }

    /// <summary>Every epoch trained, continuing ones included; null when the program reports no epochs at all (it is
    /// then never taken to have stopped early).</summary>
    public IReadOnlyList<EpochScore>? Curve
    {
        get
        {
            var curve = _printed ? _curve : _saved;
            return curve.Count == 0 ? null : curve.ToArray();
        }
    }

    /// <summary>The epochs this trial trained: those its progress lines reported; null when it printed none.</summary>
    public int? Trained => _printed ? _curve.Count - _kept : null;

    /// <summary>A progress line's epoch and scores.</summary>
    public void Add(double epoch, EpochScore score)
    {
        if (Problem is not null) return;
        var shown = epoch.ToString(CultureInfo.InvariantCulture);
        if (epoch != Math.Floor(epoch) || epoch < 1)
        {
            Problem = $"progress line with epoch {shown}: epochs are whole numbers from 1";
            return;
        }
        if (!_printed)
        {
            if (epoch > _saved.Count + 1)
            {
                Problem = $"progress lines start at epoch {shown}, but epochs up to {_saved.Count} are all that " +
                          "were reported before: count epochs from the first the training ever ran";
                return;
            }
            _printed = true;
            _kept = (int)epoch - 1;
            _curve.AddRange(_saved.Take(_kept));
        }
        else if (epoch != _curve.Count + 1)
        {
            Problem = $"progress lines went from epoch {_curve.Count} to epoch {shown}: epochs are counted one by one";
            return;
        }
        if (epoch > Epochs)
        {
            Problem = $"trained past the rung's {Epochs} epochs (a progress line for epoch {shown})";
            return;
        }
        _curve.Add(score);
        try
        {
            if (_file is not null) Save(_file, _curve);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Problem = $"cannot keep the curve beside the checkpoint ({e.Message})";
        }
    }

    /// <summary>The end of the program's output: a curve that reaches past the rung (a checkpoint past it used, not a
    /// line printed) or a result that says it trained more epochs is a problem too.</summary>
    public void Finish(double? resultEpochs)
    {
        if (Problem is null && Curve is { } curve && curve.Count > Epochs)
            Problem = $"trained past the rung's {Epochs} epochs (its curve reaches epoch {curve.Count})";
        if (Problem is null && resultEpochs > Epochs)
            Problem = $"trained past the rung's {Epochs} epochs (the result line says " +
                      $"{resultEpochs.Value.ToString(CultureInfo.InvariantCulture)})";
    }

    /// <summary>The saved curve; none when the file is missing or unreadable (the program's progress lines must
    /// then start at epoch 1).</summary>
    static IReadOnlyList<EpochScore> Load(string file)
    {
        try
        {
            if (!File.Exists(file)) return [];
            return JsonSerializer.Deserialize<EpochScore[]>(File.ReadAllText(file), Json) ?? [];
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Written beside and renamed into place: a kill leaves the old curve or the new one.</summary>
    static void Save(string file, IReadOnlyList<EpochScore> curve)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file + ".tmp", JsonSerializer.Serialize(curve, Json));
        File.Move(file + ".tmp", file, overwrite: true);
    }
}
