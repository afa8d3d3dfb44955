using System.Diagnostics;
using ActorEvolve.Build;

namespace ActorEvolve.Examples.Tests;

/// <summary>The NuGet packages work for a user: the README's example, copied out of the repository, builds against
/// the packed packages (from a local folder) and runs. CI packs them first (.ci/run sets ACTOREVOLVE_PACKAGES).
/// </summary>
public sealed class PackageTests : IDisposable
{
    const string PackagesVariable = "ACTOREVOLVE_PACKAGES";
    readonly ExampleProcess _example = new("CustomFitness.dll");

    public void Dispose() => _example.Dispose();

    [SkippableFact]
    public void The_example_builds_and_runs_against_the_packed_packages()
    {
        var packages = Environment.GetEnvironmentVariable(PackagesVariable);
        Skip.If(string.IsNullOrEmpty(packages), $"{PackagesVariable} is not set (.ci/run packs and sets it)");
        var engine = Directory.GetFiles(packages, "ActorEvolve.Engine.*.nupkg").Single();
        var version = Path.GetFileNameWithoutExtension(engine)["ActorEvolve.Engine.".Length..];
        var project = Path.Combine(_example.WorkDir, "CustomFitness");
        Directory.CreateDirectory(project);
        foreach (var file in new[] { "Program.cs", "CustomFitness.csproj" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, "repo", "docs", "examples", "CustomFitness", file),
                Path.Combine(project, file));
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <configuration>
              <packageSources><add key="actorevolve" value="{packages}" /></packageSources>
            </configuration>
            """);

        var build = Dotnet(project, "build", "-c", "Release", $"-p:ActorEvolvePackageVersion={version}");
        Assert.True(build.ExitCode == 0, build.Stdout);
        if (ElfWeakVersionPatcher.SystemLacksVersion(ElfWeakVersionPatcher.MissingVersion))
            Assert.Contains($"Marked {ElfWeakVersionPatcher.MissingVersion} weak", build.Stdout); // package targets
        var run = _example.RunDll(Path.Combine(project, "bin", "Release", "net10.0", "CustomFitness.dll"));

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("\nwinner ", run.Stdout);
        Assert.True(File.Exists(Path.Combine(_example.WorkDir, "runs", "ring", "summary.json")));
    }

    static ExampleProcess.Result Dotnet(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // The test host's own MSBuild settings must not leak into a build of another project.
        var msbuild = start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase));
        foreach (var name in msbuild.ToArray()) start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new ExampleProcess.Result(process.ExitCode, stdout, "");
    }
}
