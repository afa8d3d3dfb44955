using System.CommandLine;
using ActorEvolve.Cli.Bench;
using ActorEvolve.Core.Evolution;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Core.Genes;
using ActorEvolve.Engine.Configuration;
using ActorEvolve.Training.Tables;
using ActorEvolve.Training.Data;
using ActorEvolve.Training.Torch;
using Spectre.Console;

namespace ActorEvolve.Cli.Commands;

/// <summary><c>actorevolve bench</c>: measurements, not tests. Figures go to docs/benchmarks.md.</summary>
public static class BenchCommand
{
    static readonly Option<int> Slots = new("--slots")
    {
        Description = "Trainer slots", DefaultValueFactory = _ => Environment.ProcessorCount,
    };
    static readonly Option<string> Journal = new("--journal")
    {
        Description = "Also measure this journal (e.g. postgres://user:password@host/db)",
    };

    public static Command Create() => new("bench",
        "Measure the engine and the trainer (figures for docs/benchmarks.md)")
    {
        Engine(), JournalCommand(), Train(), Replay(), Exec(), Cluster(), ClusterNodes(),
    };

    static readonly Option<double> EvaluationSeconds = new("--evaluation-seconds")
    {
        Description = "Mean time of one evaluation (the recorded training times, scaled)",
        DefaultValueFactory = _ => 1.0,
    };

    static readonly Option<FileInfo> Grid = new("--grid")
    {
        Description = "A recorded grid whose seconds column gives the evaluation times",
        DefaultValueFactory = _ => new FileInfo(Path.Combine(AppContext.BaseDirectory, "grids",
            "fashion-mnist-seed-space.csv")),
    };

    static Command Cluster()
    {
        var configurations = new Option<string[]>("--configurations")
        {
            Description = "NODESxSLOTS to measure", DefaultValueFactory = _ => ["1x2", "8x4", "32x4", "100x4"],
            AllowMultipleArgumentsPerToken = true,
        };
        var nodes = new Option<int?>("--nodes") { Description = "Measure only this many trainer nodes (with --slots)" };
        var slots = new Option<int>("--slots")
        {
            Description = "Slots per node, with --nodes", DefaultValueFactory = _ => 4,
        };
        var generations = new Option<int>("--generations")
        {
            Description = "Generations per run", DefaultValueFactory = _ => 5,
        };
        var perSlot = new Option<int>("--genomes-per-slot")
        {
            Description = "Population size per trainer slot (genomes wait for slots)", DefaultValueFactory = _ => 4,
        };
        var modes = new Option<string>("--mode")
        {
            Description = "GA mode to measure: generational, steady-state or both (steady state: as many births)",
            DefaultValueFactory = _ => "generational",
        };
        var keep = new Option<bool>("--keep")
        {
            Description = "Keep each configuration's logs and per-slot timeline (always kept when one fails)",
        };
        var rungs = new Option<string[]>("--rungs")
        {
            Description = "Rungs to measure, each off or epochs such as 3,9 (the last the grid's curves' length)",
            DefaultValueFactory = _ => ["off"], AllowMultipleArgumentsPerToken = true,
        };
        var noChurn = new Option<bool>("--no-churn")
        {
            Description = "No nodes joining late or killed: the scheduling alone",
        };
        var reductions = new Option<int[]>("--reduction")
        {
            Description = "Reduction factors to measure with rungs", DefaultValueFactory = _ => [3],
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("cluster",
            "Trainer nodes on loopback (some joining, some killed) with recorded training times: " +
                "utilisation, latencies")
        {
            configurations, nodes, slots, EvaluationSeconds, generations, perSlot, Grid, modes, keep, rungs,
            reductions, noChurn,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var seconds = parse.GetValue(EvaluationSeconds);
            if (!(seconds > 0)) throw new UsageException("--evaluation-seconds must be above 0");
            if (parse.GetValue(generations) < 3) throw new UsageException("--generations must be at least 3");
            if (parse.GetValue(perSlot) < 1) throw new UsageException("--genomes-per-slot must be at least 1");
            GaMode[] measured = parse.GetValue(modes) switch
            {
                "generational" => [GaMode.Generational],
                "steady-state" => [GaMode.SteadyState],
                "both" => [GaMode.Generational, GaMode.SteadyState],
                var other => throw new UsageException(
                    $"--mode must be generational, steady-state or both, got '{other}'"),
            };
            var setups = (parse.GetValue(nodes) is { } n ? [$"{n}x{parse.GetValue(slots)}"]
                    : parse.GetValue(configurations)!)
                .Select(c => ParseConfiguration(c) is var (count, perNode)
                    ? new ClusterBench.Setup(count, perNode, seconds, parse.GetValue(generations),
                        Math.Max(8, count * perNode * parse.GetValue(perSlot)), parse.GetValue(Grid)!.FullName)
                    : throw new UsageException($"'{c}' is not NODESxSLOTS with both at least 1 (e.g. 8x4)"))
                .SelectMany(setup => measured.Select(mode => setup with { Mode = mode }))
                .ToArray();
            // a bad grid is refused before anything starts
            var grid = new RecordedDelayFitness(RecordedDelayFitness.Read(setups[0].Grid), seconds);
            var rungSettings = RungsToMeasure(parse.GetValue(rungs)!, parse.GetValue(reductions)!, grid.MaxEpochs);
            setups = setups.SelectMany(setup => rungSettings.Select(r => setup with
            {
                Rungs = r, Churn = !parse.GetValue(noChurn),
            })).ToArray();
            var failed = 0;
            foreach (var setup in setups) // one table each: a large configuration can take minutes
            {
                try
                {
                    ClusterBench.Print(AnsiConsole.Console, [await ClusterBench.RunAsync(setup, parse.GetValue(keep),
                        cancellation)]);
                }
                catch (ClusterBench.SetupFailed e)
                {
                    failed++;
                    await System.Console.Error.WriteLineAsync(
                        $"actorevolve: bench cluster {setup.Nodes}x{setup.Slots} {setup.Mode}: {e.Message}");
                }
            }
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>Each of <c>--rungs</c> (off: none), with each of <c>--reduction</c>.</summary>
    static RungSettings?[] RungsToMeasure(string[] rungs, int[] reductions, int maxEpochs) =>
        rungs.SelectMany(text => text == "off" ? [null] : reductions.Select(RungSettings? (reduction) =>
        {
            if (maxEpochs == 0) throw new UsageException("--rungs needs a --grid with learning curves");
            var epochs = text.Split(',').Select(e => int.TryParse(e, out var n) ? n : 0).ToArray();
            var settings = new RungSettings(epochs, reduction);
            try
            {
                settings.Validated();
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--rungs {text} with --reduction {reduction}: {e.Message}");
            }
            return epochs[^1] == maxEpochs ? settings
                : throw new UsageException($"--rungs {text} must end at {maxEpochs} epochs, the grid's curves' length");
        })).ToArray();

    static (int Nodes, int Slots)? ParseConfiguration(string text) =>
        text.Split('x') is [var n, var s] && int.TryParse(n, out var nodes) && int.TryParse(s, out var slots) &&
        nodes >= 1 && slots >= 1 ? (nodes, slots) : null;

    /// <summary>The child processes of <c>bench cluster</c>; not for users.</summary>
    static Command ClusterNodes()
    {
        var join = new Option<string>("--join") { Required = true };
        var nodes = new Option<int>("--nodes") { Required = true };
        var clusterSize = new Option<int>("--cluster-size") { Required = true };
        var slots = new Option<int>("--slots") { Required = true };
        var log = new Option<string>("--log") { Required = true };
        var command = new Command("cluster-nodes") { join, nodes, clusterSize, slots, EvaluationSeconds, Grid, log };
        command.Hidden = true;
        command.SetAction((parse, cancellation) => NodesProcess.RunAsync(parse.GetValue(join)!, parse.GetValue(nodes),
            parse.GetValue(clusterSize), parse.GetValue(slots), parse.GetValue(EvaluationSeconds),
            parse.GetValue(Grid)!.FullName, parse.GetValue(log)!, cancellation));
        return command;
    }

    static Command Exec()
    {
        var evaluations = new Option<int>("--evaluations")
        {
            Description = "Evaluations per program", DefaultValueFactory = _ => 200,
        };
        var program = new Option<string[]>("--command")
        {
            Description = "Also measure this exec: command (it must answer with a result line)",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("exec", "Per-evaluation overhead of exec: fitness (process, JSON) against in process")
        {
            evaluations, program, SharedOptions.ConfigFile,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(evaluations) < 1) throw new UsageException("--evaluations must be at least 1");
            var space = EngineSettings.From(HoconLoader.LoadTexts(SharedOptions.UserConfigFiles(parse), null)).Space;
            var programs = ExecBench.DefaultPrograms.Concat((parse.GetValue(program) ?? []).Select(c => (c, c)));
            ExecBench.Print(AnsiConsole.Console, ExecBench.Run(space, programs, parse.GetValue(evaluations)).ToArray());
            return 0;
        });
        return command;
    }

    static Command Engine()
    {
        var populations = new Option<int[]>("--populations")
        {
            Description = "Population sizes to measure", DefaultValueFactory = _ => [20, 200, 2000],
            AllowMultipleArgumentsPerToken = true,
        };
        var generations = new Option<int>("--generations")
        {
            Description = "Generations per run", DefaultValueFactory = _ => 10,
        };
        var command = new Command("engine",
            "Evaluations per second of the actor machinery with a zero-cost fitness, journal off and on")
        {
            populations, generations, Slots, Journal,
        };
        command.SetAction(async parse =>
        {
            var results = await EngineBench.RunAsync(parse.GetValue(populations)!, parse.GetValue(generations),
                parse.GetValue(Slots), parse.GetValue(Journal));
            EngineBench.Print(AnsiConsole.Console, parse.GetValue(generations), results);
            return 0;
        });
        return command;
    }

    static Command JournalCommand()
    {
        var population = new Option<int>("--population")
        {
            Description = "Genomes per generation", DefaultValueFactory = _ => 50,
        };
        var generations = new Option<int>("--generations")
        {
            Description = "Generations", DefaultValueFactory = _ => 100,
        };
        var command = new Command("journal", "Journaling cost per evaluation and recovery time of a long run")
        {
            population, generations, Slots, Journal,
        };
        command.SetAction(async parse =>
        {
            var results = await EngineBench.RunAsync([parse.GetValue(population)], parse.GetValue(generations),
                parse.GetValue(Slots), parse.GetValue(Journal));
            EngineBench.Print(AnsiConsole.Console, parse.GetValue(generations), results);
            return 0;
        });
        return command;
    }

    static Command Replay()
    {
        var table = new Option<FileInfo>("--table")
        {
            Description = "A recorded grid (brute's grid.csv)", Required = true,
        };
        var space = new Option<FileInfo>("--space")
        {
            Description = "A HOCON file with the search space (and GA settings) to replay",
        };
        var seeds = new Option<int>("--seeds")
        {
            Description = "Searches per method, one per seed", DefaultValueFactory = _ => 50,
        };
        var near = new Option<double>("--near")
        {
            Description = "The near-best band, in fitness units", DefaultValueFactory = _ => 0.003,
        };
        var compare = new Option<string[]>("--compare")
        {
            Description = "GA presets (actorevolve.ga-presets) to replay beside the configured GA, e.g. harvey",
            AllowMultipleArgumentsPerToken = true,
        };
        var steady = new Option<bool>("--steady-state")
        {
            Description = "Also replay the configured GA in steady-state mode (removing the oldest, the worst, and " +
                          "in birth order), on --slots simulated slots with the grid's training times",
        };
        var slots = new Option<int>("--slots")
        {
            Description = "Simulated trainer slots (the seconds to the best; the arrival order of steady-state " +
                          "results)",
            DefaultValueFactory = _ => 4,
        };
        var cap = new Option<int?>("--evaluations")
        {
            Description = "Also run the configured GA and the presets to this many unique evaluations (breeding on " +
                          "past their generations) and random search as far, and print the peers' table " +
                          "(docs/bench/peers.py)",
        };
        var rungs = new Option<int[]>("--rungs")
        {
            Description = "Also replay the configured GA training children in these rungs of epochs (successive " +
                          "halving, e.g. 1 3 9; the last is full training); needs a grid with learning curves",
            AllowMultipleArgumentsPerToken = true,
        };
        var reduction = new Option<int>("--reduction")
        {
            Description = "With --rungs: the best 1/N of a rung go on to the next", DefaultValueFactory = _ => 3,
        };
        var patience = new Option<int?>("--patience")
        {
            Description = "With --rungs: the early-stopping patience the grid was recorded with",
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Where replay.md and the plots go",
            DefaultValueFactory = _ => new DirectoryInfo("bench-replay"),
        };
        var command = new Command("replay",
            "The GA and random search against a recorded grid: evaluations until the best is found")
        {
            table, space, seeds, near, compare, steady, slots, cap, rungs, reduction, patience, output,
            SharedOptions.ConfigFile,
        };
        command.SetAction(parse =>
        {
            var spaceFiles = parse.GetValue(space) is { } spaceFile ? [HoconFile.Read(spaceFile.FullName)]
                : Array.Empty<HoconFile>();
            HoconFile[] files = [.. SharedOptions.UserConfigFiles(parse), .. spaceFiles];
            var config = HoconLoader.LoadTexts(files, []);
            var engine = EngineSettings.From(config);
            if (engine.Space.Size is null) throw new UsageException(
                "replay needs a finite search space (no float ranges)");
            if (parse.GetValue(seeds) < 1) throw new UsageException("--seeds must be at least 1");
            if (parse.GetValue(cap) is < 1) throw new UsageException("--evaluations must be at least 1");
            var path = parse.GetValue(table)!.FullName;
            var grid = new TableFitness(path, engine.Space, TimeSpan.Zero);
            var context = new EvaluationContext(0, "replay");
            var bench = new ReplayBench(engine.Space, g => grid.Evaluate(g, context, CancellationToken.None),
                parse.GetValue(near), parse.GetValue(patience));
            if (double.IsNaN(bench.GridBest))
                throw new UsageException($"{path}: every genome of the grid failed to train: there is no best to find");
            var rungSettings = ReadRungs(parse.GetValue(rungs), parse.GetValue(reduction), parse.GetValue(patience),
                grid, engine.Space);

            if (parse.GetValue(slots) < 1) throw new UsageException("--slots must be at least 1");
            var seconds = ReplayBench.RecordedSeconds(path, engine.Space);
            // With a cap, a steady-state GA runs as many births (a cached birth spends no evaluation: it may end
            // short).
            SearchTrace[] Evolve(GaSettings ga, int? evaluations = null) => Enumerable.Range(1, parse.GetValue(seeds))
                .Select(s => ga.Mode == GaMode.SteadyState
                    ? bench.EvolveSteadyState(evaluations is { } n ? ga with { Evaluations = n } : ga, s,
                        parse.GetValue(slots), seconds)
                    : bench.Evolve(ga, s, parse.GetValue(slots), seconds, evaluations)).ToArray();
            var steadyState = engine.Ga with { Mode = GaMode.SteadyState };
            var slotCount = $"{parse.GetValue(slots)} slots";
            var steadyVariants = parse.GetValue(steady) ? new (string Name, GaSettings Ga)[]
            {
                ($"steady-state, remove oldest ({slotCount})", steadyState),
                ($"steady-state, remove worst ({slotCount})", steadyState with { Removal = Removal.Worst }),
                ("steady-state, birth order, remove oldest", steadyState with { BirthOrder = true }),
            } : [];
            (string Name, GaSettings Ga)[] configured = [
                ($"GA as configured ({Describe(engine.Ga)})", engine.Ga),
                .. (parse.GetValue(compare) ?? []).Select(name =>
                    ($"GA, preset {name}", EngineSettings.ReadGa(SettingsReader.Of(config, "actorevolve"), name))),
            ];
            MethodTraces[] plain = [
                .. configured.Select(c => new MethodTraces(c.Name, Evolve(c.Ga))),
                .. steadyVariants.Select(v => new MethodTraces(v.Name, Evolve(v.Ga))),
            ];
            // With rungs: the configured generations, and as many epochs per seed as the configured GA spent.
            var rungName = rungSettings is { } shown
                ? $"rungs {string.Join("/", shown.Epochs)} epochs, η = {shown.Reduction} ({slotCount})" : "";
            // With --steady-state also in steady state (ASHA: promotions as soon as due, no generation barrier).
            MethodTraces WithRungs(string name, Func<int, int?> budget, bool steadyState = false) => new(name, [
                .. Enumerable.Range(1, parse.GetValue(seeds)).Select(s => steadyState
                    ? bench.EvolveSteadyStateWithRungs(engine.Ga, s, parse.GetValue(slots), seconds, rungSettings!,
                        budget(s))
                    : bench.EvolveWithRungs(engine.Ga, s, parse.GetValue(slots), seconds, rungSettings!, budget(s)))]);
            int? AsManyEpochs(int seed) => plain[0].Traces[seed - 1].Epochs;
            MethodTraces[] gas = rungSettings is null ? plain : [
                .. plain,
                WithRungs($"GA as configured, {rungName}", _ => null),
                WithRungs($"GA, {rungName}, as many epochs", AsManyEpochs),
                .. parse.GetValue(steady) ? new[]
                {
                    WithRungs($"steady-state ASHA, {rungName}", _ => null, steadyState: true),
                    WithRungs($"steady-state ASHA, {rungName}, as many epochs", AsManyEpochs, steadyState: true),
                } : [],
            ];
            // Random search gets, per seed, as many evaluations as the most spending GA: never the smaller budget.
            // Not counting rungs: their partial trainings would buy it more full trainings than any GA spent.
            var random = Enumerable.Range(0, parse.GetValue(seeds))
                .Select(i => bench.RandomSearch(plain.Max(m => m.Traces[i].Evaluations), i + 1,
                    parse.GetValue(slots), seconds)).ToArray();
            MethodTraces[] methods = [.. gas, new("random search (as many evaluations)", random)];

            var outDir = Directory.CreateDirectory(parse.GetValue(output)!.FullName).FullName;
            var markdown = ReplayReport.Markdown(Path.GetFileName(path), bench.GridSize, bench.GridBest,
                parse.GetValue(near), random.Length, parse.GetValue(slots), methods);
            File.WriteAllText(Path.Combine(outDir, "replay.md"), markdown);
            ReplayReport.Plot(outDir, bench.GridBest, methods);
            System.Console.Write(markdown);
            if (parse.GetValue(cap) is { } evaluations)
            {
                MethodTraces[] capped = [
                    .. configured.Select(c => new MethodTraces(c.Name, Evolve(c.Ga, evaluations))),
                    new("random search", [.. Enumerable.Range(1, random.Length)
                        .Select(s => bench.RandomSearch(evaluations, s, parse.GetValue(slots), seconds))]),
                ];
                var peers = ReplayReport.PeersMarkdown(Path.GetFileName(path), bench.GridSize, bench.GridBest,
                    parse.GetValue(near), random.Length, evaluations, capped);
                File.WriteAllText(Path.Combine(outDir, "peers.md"), peers);
                System.Console.Write(Environment.NewLine + peers);
            }
            System.Console.WriteLine($"Written: replay.md, {ReplayReport.BestFoundPng} and " +
                $"{ReplayReport.ShareFoundPng} in {outDir}");
            return 0;
        });
        return command;
    }

    /// <summary>The rungs to replay, or null; refused when the grid cannot replay them.</summary>
    static RungSettings? ReadRungs(int[]? epochs, int reduction, int? patience, TableFitness grid, SearchSpace space)
    {
        if (epochs is null or { Length: 0 }) return null;
        if (patience is null) throw new UsageException("--rungs needs --patience: the early-stopping patience the " +
                                                       "grid was recorded with (2 for the quick budget)");
        RungSettings rungs;
        try
        {
            rungs = new RungSettings(epochs, reduction).Validated();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--rungs/--reduction: {e.Message}");
        }
        var context = new EvaluationContext(0, "replay");
        var curves = space.Enumerate().Select(g => grid.Evaluate(g, context, CancellationToken.None))
            .Where(r => !r.Failed).Select(r => r.Curve).ToArray();
        if (curves.Any(c => c is null))
            throw new UsageException("--rungs needs a grid with learning curves (accuracy_curve and loss_curve, as " +
                                     "actorevolve brute records them)");
        var longest = curves.Max(c => c!.Count);
        if (rungs.Epochs[^1] < longest)
            throw new UsageException($"the last rung ({rungs.Epochs[^1]} epochs) is full training, but the grid's " +
                                     $"learning curves run to {longest} epochs");
        return rungs;
    }

    static string Describe(GaSettings ga) => ga.Mode == GaMode.SteadyState
        ? $"steady-state, {ga.Births()} births" : $"{ga.Population} x {ga.Generations}";

    static Command Train()
    {
        var samples = new Option<int>("--samples")
        {
            Description = "Training images per epoch", DefaultValueFactory = _ => 59_000,
        };
        var threads = new Option<int[]>("--threads")
        {
            Description = "Intra-op thread counts to measure",
            DefaultValueFactory = _ => [1, Environment.ProcessorCount],
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("train",
            "TorchSharp epoch time of reference genomes against the machine's GEMM GFLOP/s")
        {
            samples, SharedOptions.Data, threads,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            TorchRuntime.Initialize();
            var directory = await new DatasetLocator(DatasetSource.FashionMnist(),
                parse.GetValue(SharedOptions.Data)?.FullName,
                DatasetLocator.DefaultCacheDirectory).LocateAsync(cancellation);
            var peaks = TrainingBench.Peaks(parse.GetValue(threads)!.Distinct());
            TrainingBench.Print(AnsiConsole.Console, peaks,
                TrainingBench.Run(directory, parse.GetValue(samples), peaks).ToArray());
            return 0;
        });
        return command;
    }
}
