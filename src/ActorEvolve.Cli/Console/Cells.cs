using Spectre.Console;
using Spectre.Console.Rendering;

namespace ActorEvolve.Cli.Console;

/// <summary>Table cells from plain values. Spectre reads a string cell as markup, so a run id or a genome with
/// square brackets would be parsed (or fail); these cells are text, never markup.</summary>
public static class Cells
{
    public static IRenderable[] Plain(params object?[] values) => [.. values.Select(Plain)];

    public static IRenderable Plain(object? value) => new Text(value?.ToString() ?? "");
}
