using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace ActorEvolve.Cli.Tests;

/// <summary>A state directory with a finished and an interrupted run, shared by the battery's cases.</summary>
public sealed class StateWithRuns : IDisposable
{
    public CliProcess Cli { get; } = new();

    public string Grid { get; }

    public StateWithRuns()
    {
        Grid = Cli.SeedGrid();
        string[] search = ["search", "--fitness", $"table:{Grid}", "--population", "6", "--slots", "2"];
        var finished = Cli.Run([.. search, "--generations", "2", "--run-id", "finished"]);
        Assert.True(finished.ExitCode == 0, finished.Stderr);
        var slow = Cli.Write("slow.conf", "actorevolve.table-delay = 50ms");
        Cli.RunAndKill(l => l.StartsWith("generation 1 done"), 1,
            [.. search, "--generations", "30", "--run-id", "unfinished", "--config", slow]);
    }

    public void Dispose() => Cli.Dispose();
}

/// <summary>The bad inputs users and adversaries tried, against the real executable: each is refused with exit code
/// 2 and exactly one line on stderr, and leaves the state directory as it was: the run folders byte for byte, the
/// journal row for row.</summary>
public sealed class BadInputBattery(StateWithRuns state) : IClassFixture<StateWithRuns>
{
    /// <param name="Files">Files the case needs in the working directory (name, content).</param>
    /// <param name="Expected">What the one line must say.</param>
    public sealed record Case(string[] Args, string Expected, params (string Name, string Content)[] Files);

    static Case Config(string content, string expected, params string[] more) =>
        new(["search", "--fitness", "table:{grid}", "--config", "case.conf", .. more], expected,
            ("case.conf", content));

    static readonly Dictionary<string, Case> Cases = new()
    {
        ["boolean maybe"] = Config("actorevolve.ga.avoid-duplicates = maybe",
            "actorevolve.ga.avoid-duplicates must be on or off, got 'maybe'"),
        ["boolean 2"] = Config("actorevolve.ga.adaptive-mutation = 2", "adaptive-mutation must be on or off, got '2'"),
        ["boolean sometimes"] = Config("actorevolve.engine.local-trainers = sometimes",
            "local-trainers must be on or off, got 'sometimes'"),
        ["search-space = 5"] = Config("actorevolve.search-space = 5", "actorevolve.search-space must be a section"),
        ["ga = 5 under a flag"] = Config("actorevolve.ga = 5", "actorevolve.ga must be a section { ... }, got '5'",
            "--population", "4"),
        ["a list for a number"] = Config("actorevolve.ga.population = [20]",
            "actorevolve.ga.population must be a whole number, got a list"),
        ["a word for a number"] = Config("actorevolve.ga.retain = \"much\"", "actorevolve.ga.retain must be a number"),
        ["a fraction for a whole number"] = Config("actorevolve.ga.generations = 2.5",
            "actorevolve.ga.generations must be a whole number, got '2.5'"),
        ["a section for a value"] = Config("actorevolve.seed { a = 1 }", "actorevolve.seed must be a value"),
        ["null population"] = Config("actorevolve.ga.population = null", "got null"),
        ["NaN retain"] = Config("actorevolve.ga.retain = NaN", "actorevolve.ga.retain must be a number, got 'NaN'"),
        ["bare number duration"] = Config("actorevolve.engine.evaluation-timeout = 5",
            "evaluation-timeout must be a duration such as 30s, 10m or 2h"),
        ["zero timeout"] = Config("actorevolve.engine.final-timeout = 0s", "final-timeout must be a positive duration"),
        ["bare table delay"] = Config("actorevolve.table-delay = 5", "table-delay must be a duration"),
        ["rungs on a table without learning curves"] = Config("actorevolve.ga.rungs = [1, 3]",
            "invalid configuration: actorevolve.ga.rungs need learning curves: "),
        ["auto rungs on a table without learning curves"] = Config("actorevolve.ga.rungs = auto",
            "invalid configuration: actorevolve.ga.rungs = auto needs the table's learning curves"),
        ["a table's full budget not its curves'"] = Config("actorevolve.table-max-epochs = 7",
            "actorevolve.table-max-epochs is 7, but "),
        ["a negative table budget"] = Config("actorevolve.table-max-epochs = -1", "table-max-epochs must be"),
        ["a word among the rungs"] = Config("actorevolve.ga.rungs = [2, x]",
            "actorevolve.ga.rungs must be a list of whole numbers, got 'x' in it"),
        ["a number for the rungs"] = Config("actorevolve.ga.rungs = 7", "actorevolve.ga.rungs must be off or auto"),
        ["rungs descending"] = Config("actorevolve.ga.rungs = [3, 2]", "rungs must be ascending epochs from 1 up"),
        ["reduction 1"] = Config("actorevolve.ga { rungs = [1, 3], reduction = 1 }",
            "the reduction factor must be at least 2 (got 1)"),
        ["rungs with birth order"] = Config(
            "actorevolve.ga { rungs = [1, 3], mode = steady-state, birth-order = on }",
            "rungs and birth order do not go together"),
        ["rungs with two objectives"] = Config("actorevolve.ga.rungs = [1, 3]\nactorevolve.objective { metric = " +
            "[accuracy, parameters], direction = [maximize, minimize] }", "rungs promote by one score"),
        ["negative table patience"] = Config("actorevolve.table-patience = -1",
            "actorevolve.table-patience must be a whole number"),
        ["include"] = Config("include \"nope.conf\"", "include nope.conf is not supported"),
        ["a key set to itself"] = Config("actorevolve.seed = ${actorevolve.seed}",
            "actorevolve.seed refers to itself"),
        ["two keys set to each other"] = Config("a = ${b}\nb = ${a}", "refers to itself"),
        ["a section holding itself"] = Config("actorevolve.x { y = ${actorevolve.x} }", "refers to itself"),
        ["a key = value in a list"] = Config("actorevolve.search-space.activation = [relu, =x]",
            "'=' inside a list [ ... ]"),
        ["an unquoted backslash in a list"] = Config("actorevolve.search-space.activation = [re\\lu]",
            "'\\' inside a list [ ... ] must be inside quotes"),
        ["a triple-quoted key"] = Config("\"\"\"\"a = [&]\"\"\"", "a key cannot be a triple-quoted string"),
        ["a substitution that is not a path"] = Config("a = [${+=(}]", "must name a setting"),
        ["a value with no key"] = Config(" = \"\"\"x\"\"\"", "'=' has no key before it"),
        ["unbalanced brace"] = Config("actorevolve { ga { population = 20 }", "invalid HOCON"),
        ["gene of a nested list"] = Config("actorevolve.search-space.nb_neurons = [[64]]",
            "must be a list of plain values"),
        ["gene type banana"] = Config("actorevolve.search-space.nb_layers { min = 1, max = 3, type = banana }",
            "type must be int or float, got 'banana'"),
        ["objective sideways"] = Config("actorevolve.objective.direction = sideways",
            "objective.direction must be maximize or minimize, got 'sideways'"),
        ["three objectives"] = Config(
            "actorevolve.objective { metric = [accuracy, a, b], direction = [maximize, minimize, minimize] }",
            "actorevolve.objective.metric must name one metric or a list of two, got 3"),
        ["one direction for two objectives"] = Config("actorevolve.objective.metric = [accuracy, parameters]",
            "actorevolve.objective.direction must give one direction per metric (2), got 1"),
        ["a second objective sideways"] = Config(
            "actorevolve.objective { metric = [accuracy, parameters], direction = [maximize, sideways] }",
            "objective.direction must be maximize or minimize, got 'sideways'"),
        ["an objective twice"] = Config(
            "actorevolve.objective { metric = [accuracy, accuracy], direction = [maximize, minimize] }",
            "objective names metric 'accuracy' twice"),
        ["an objective the table does not report"] = Config(
            "actorevolve.objective { metric = [accuracy, parameters], direction = [maximize, minimize] }",
            "actorevolve.objective names metric 'parameters', which fitness 'table:"),
        ["ga mode sideways"] = Config("actorevolve.ga.mode = sideways",
            "actorevolve.ga.mode must be generational or steady-state, got 'sideways'"),
        ["evaluations below the population"] = Config("actorevolve.ga.evaluations = 5",
            "evaluations must be 0 (population x generations) or at least the population (got 5)"),
        ["birth order maybe"] = Config("actorevolve.ga.birth-order = maybe", "birth-order must be on or off"),
        ["markup in a message"] = Config("actorevolve.ga.initial-population = \"[red]x[/]\"",
            "initial-population must be random or grid or spread, got '[red]x[/]'"),
        ["unknown guidance"] = Config("actorevolve.ga.guidance = oracle",
            "actorevolve.ga.guidance must be off or knn or tpe, got 'oracle'"),
        ["no candidates"] = Config("actorevolve.ga.candidates = 0", "candidates must be at least 1 (got 0)"),
        ["missing config file"] = new(["search", "--config", "nowhere.conf"], "configuration file not found"),
        ["state dir is a file"] = new(["search", "--fitness", "table:{grid}", "--state-dir", "afile"],
            "is a file, not a folder",
            ("afile", "not a folder")),
        ["table: without a file"] = new(["search", "--fitness", "table:"], "fitness 'table:' names no table"),
        ["trainer table: without a file"] = new(["trainer", "--join", "127.0.0.1:1", "--fitness", "table:"],
            "fitness 'table:' names no table"),
        ["unknown fitness"] = new(["search", "--fitness", "oracle"], "unknown fitness 'oracle'"),
        ["journal in /proc"] = new(["search", "--fitness", "table:{grid}", "--journal", "sqlite:/proc/nope/x.db"],
            "/proc/nope/x.db: cannot open the journal"),
        ["journal sqlite: without a file"] = new(["search", "--fitness", "table:{grid}", "--journal", "sqlite:"],
            "journal 'sqlite:' names no file"),
        ["postgres URL without host"] = new(
            ["search", "--fitness", "table:{grid}", "--journal", "postgres://u:secret@:5/db"],
            "journal 'postgres://u:***@:5/db' is not postgres://"),
        ["20000 slots"] = new(["search", "--fitness", "table:{grid}", "--slots", "20000"],
            "actorevolve.engine.trainer-slots must be a whole number from 0 to 256, got '20000'"),
        ["two billion genomes"] = new(["search", "--fitness", "table:{grid}", "--population", "2000000000"],
            "population must be at most 100000"),
        ["empty run id"] = new(["search", "--fitness", "table:{grid}", "--run-id", ""], "a run id cannot be empty"),
        ["run id like an option"] = new(["search", "--fitness", "table:{grid}", "--run-id=-x"],
            "cannot start with '-'"),
        ["run id with a slash"] = new(["search", "--fitness", "table:{grid}", "--run-id", "a/b"], "cannot contain '/'"),
        ["resume up the tree"] = new(["resume", "../finished"], "cannot contain '/'"),
        ["report up the tree"] = new(["report", "../x"], "cannot contain '/'"),
        ["no command"] = new([], "'actorevolve' needs a command: search, brute, resume"),
        ["bench without a command"] = new(["bench"], "'actorevolve bench' needs a command: engine"),
        ["unknown flag"] = new(["search", "--populaton", "5"], "--populaton"),
        ["seed not a number"] = new(["search", "--seed", "abc"], "abc"),
        ["join timeout without a unit"] = new(["trainer", "--join", "127.0.0.1:1", "--join-timeout", "5"],
            "--join-timeout must be a duration such as 30s, 10m or 2h"),
        ["join timeout of zero"] = new(["trainer", "--join", "127.0.0.1:1", "--join-timeout", "0s"],
            "--join-timeout must be more than 0s"),
        ["listen on port 99999"] = new(["search", "--fitness", "table:{grid}", "--listen", "127.0.0.1:99999"],
            "--listen '127.0.0.1:99999' is not HOST:PORT"),
        ["an existing run id"] = new(["search", "--fitness", "table:{grid}", "--run-id", "finished"],
            "run 'finished' already exists"),
        ["resume a finished run"] = new(["resume", "finished"], "run 'finished' has already finished"),
        ["resume an unknown run"] = new(["resume", "nosuch"], "there is no run 'nosuch'"),
        ["report an unknown run"] = new(["report", "nosuch"], "there is no run 'nosuch'"),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Is_refused_in_one_line_and_changes_nothing(string name)
    {
        var cli = state.Cli;
        var @case = Cases[name];
        foreach (var (file, content) in @case.Files) cli.Write(file, content);
        var before = Snapshot(cli.WorkDir);

        var result = cli.Run([.. @case.Args.Select(a => a.Replace("{grid}", state.Grid))]);

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}:\n{result.Stderr}");
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("actorevolve: error: ", line);
        Assert.Contains(@case.Expected, line);
        Assert.DoesNotContain("Unhandled exception", result.Stdout + result.Stderr);
        var after = Snapshot(cli.WorkDir);
        Assert.True(before.SequenceEqual(after),
            $"changed: {string.Join(", ", before.Except(after))}; now: {string.Join(", ", after.Except(before))}");
    }

    /// <summary>Outside the battery: a refused resume still starts the run's actor system, which appends to the run's
    /// log and removes a stale run.pid (the run lifecycle's to fix), so only its message is checked here.</summary>
    [Fact]
    public void A_resume_refused_for_other_GA_settings_says_what_differs_in_a_sentence()
    {
        var cli = state.Cli;
        var retain = cli.Write("retain.conf", "actorevolve.ga.retain = 0.5");
        var result = cli.Run("resume", "unfinished", "--config", retain);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("actorevolve: error: run 'unfinished' was started with other GA settings (retain 0.4, not 0.5): " +
                     "it resumes only with its own", Assert.Single(result.StderrLines));
    }

    /// <summary>Every file of the run folders with a hash of its bytes, and every row of the journal. (Commands read
    /// the journal to know a run's status, and SQLite folds its WAL into the database file when the last reader
    /// closes: the same records, other bytes.)</summary>
    static string[] Snapshot(string workDir)
    {
        var stateDir = Path.Combine(workDir, "runs");
        var journal = Path.Combine(stateDir, "actorevolve.db");
        return
        [
            .. Directory.EnumerateFiles(stateDir, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).StartsWith("actorevolve.db", StringComparison.Ordinal)).Order()
                .Select(f => $"{Path.GetRelativePath(workDir, f)} {Hash(File.ReadAllBytes(f))}"),
            .. JournalRows(journal),
        ];
    }

    static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    static IEnumerable<string> JournalRows(string file)
    {
        using var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        sqlite.Open();
        var tables = Query(sqlite, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .Select(row => row[0]).ToArray();
        return tables.SelectMany(table => Query(sqlite, $"SELECT * FROM \"{table}\" ORDER BY rowid")
            .Select(row => $"{table}: {string.Join(" | ", row)}")).ToArray();
    }

    static List<string[]> Query(SqliteConnection sqlite, string sql)
    {
        using var command = sqlite.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
            rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i) is byte[] blob
                ? Hash(blob) : Convert.ToString(reader.GetValue(i)) ?? "")]);
        return rows;
    }
}
