using System.Globalization;
using System.Text.Json;
using ActorEvolve.Cli.Commands;
using ActorEvolve.Cli.Console;
using ActorEvolve.Core.Fitness;
using ActorEvolve.Engine.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ActorEvolve.Cli.Dashboard;

/// <summary>
/// <c>--dashboard HOST:PORT</c>: a live page served by the coordinator itself (ASP.NET Core's Kestrel). The page and
/// its script are one embedded file, so it works offline; it follows the run through server-sent events carrying
/// snapshots of the same <see cref="ProgressModel"/> the terminal view draws.
/// </summary>
public sealed class DashboardServer(WebApplication app) : IAsyncDisposable
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Url { get; } = app.Urls.First();

    public static async Task<DashboardServer> StartAsync(string listen, ProgressModel model, string runId)
    {
        var (host, port) = SharedOptions.ParseEndpoint(listen, "--dashboard");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{host}:{port}");
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(model.Read(m => Page.Html
            .Replace("{{RUN_ID}}", System.Net.WebUtility.HtmlEncode(runId))
            .Replace("{{GENERATION}}", (m.Generation + 1).ToString(CultureInfo.InvariantCulture))
            .Replace("{{GENERATIONS}}", m.Generations.ToString(CultureInfo.InvariantCulture))
            .Replace("{{STEP}}", m.Step == RunStep.Round ? "Round" : "Generation")),
            "text/html; charset=utf-8"));
        app.MapGet("/api/state", () => Results.Text(model.Read(m => Snapshot(m, 0)), "application/json"));
        app.MapGet("/events", async (HttpContext context) =>
        {
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            // The first message carries every evaluation, later ones only the new ones: the list grows to tens of
            // thousands in a long run, and resending it twice a second would cost megabytes per message.
            var sent = 0;
            while (!context.RequestAborted.IsCancellationRequested)
            {
                var (update, evaluations) = model.Read(m => (Snapshot(m, sent), m.EvaluationCount));
                sent = evaluations;
                await context.Response.WriteAsync($"data: {update}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(500, context.RequestAborted);
            }
        });
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new UsageException($"cannot serve the dashboard on {host}:{port}: {e.Message.Split('\n')[0]}");
        }
        return new DashboardServer(app);
    }

    /// <summary>What the page draws, as JSON, with the evaluations after the first <paramref name="from"/> (the page
    /// appends them to those it has).</summary>
    static string Snapshot(ProgressModel m, int from) => JsonSerializer.Serialize(new
    {
        generation = m.Generation + 1, generations = m.Generations, done = m.Done, toTrain = m.ToTrain,
        share = m.GenerationShare ?? 0,
        cached = m.Cached, failed = m.Failed, step = m.Step, doneWord = m.DoneWord, inAll = m.InAll, phase = m.Phase,
        nodeCount = m.NodeCountHeader,
        warning = m.Warning,
        metrics = m.Objective.Objective.Criteria.Select(o => new ObjectiveText(o))
            .Select(o => new { o.Name, o.Column, percent = o.IsPercentage }),
        best = m.Best is { } b ? new { genome = b.Genome.Key, accuracy = b.Fitness.Accuracy } : null,
        front = m.Front?.Select(f => new { genome = f.Genome.Key, f.Fitness.Accuracy, second = Second(m, f.Fitness) }),
        history = m.History.Select(h => new { generation = h.Generation + 1, h.Best, h.Mean, h.Worst }),
        nodes = m.Nodes.Select(n => new { n.Node, n.Slots, n.Busy, n.Evaluations }),
        slots = m.Slots.Select(s => new { s.Trainer, s.Slot.Genome, s.Slot.Epoch, s.Slot.Accuracy }),
        population = m.Population.Select(p => new
        {
            genome = p.Genome.Key, accuracy = p.Fitness is { Failed: false } f ? f.Accuracy : (double?)null,
            second = Second(m, p.Fitness), age = p.Age, rung = p.Fitness?.Rung, partial = p.Fitness?.Partial == true,
        }),
        evaluationsFrom = from,
        evaluations = m.EvaluationsFrom(from).Select(e => new
        {
            generation = e.Generation + 1, genome = e.Genome.Key,
            accuracy = e.Result.Failed ? (double?)null : e.Result.Accuracy, second = Second(m, e.Result),
            e.Result.Seconds, e.Result.Trainer,
            e.Result.Rung, e.Result.Partial,
        }),
        rungs = Rungs(m),
    }, Json);

    /// <summary>A two-objective run's second metric of a successful result; null otherwise.</summary>
    static double? Second(ProgressModel m, FitnessResult? result) =>
        m.Front is null || result is not { Failed: false } ? null : m.Objective.Objective.SecondValue(result);

    /// <summary>A rung run's rungs: the current generation's as trials come back, each finished generation's tally
    /// and the whole run's; null without rungs.</summary>
    static object? Rungs(ProgressModel m)
    {
        if (m.Rungs is not { } rungs) return null;
        var (generations, total) = m.RungTallies;
        var (heading, now) = RungText.Now(m);
        return new
        {
            rungs.Epochs, heading, now,
            generations = generations.Select(g => new { generation = g.Generation + 1, g.Tally }), total,
        };
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
