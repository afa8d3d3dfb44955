using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

// In this process unless told otherwise: no generated project to restore and build, so it works offline.
string[] options = args.Contains("--inProcess") || args.Contains("-i") ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
    .Run(options, DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default));
