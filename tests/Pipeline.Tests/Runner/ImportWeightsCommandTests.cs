using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Registry;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Runner;
using Pipeline.Tests.Networks.Models;
using static TorchSharp.torch;
using Pipeline.Inference;

namespace Pipeline.Tests.Runner;

/// <summary><c>mmar import-weights</c> turns the PyTorch-exported SegResnet fixture into a checkpoint whose forward pass matches PyTorch's.</summary>
public sealed class ImportWeightsCommandTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("import-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private string WriteSpec(JsonObject args)
    {
        var path = Path.Combine(_dir, "spec.json");
        File.WriteAllText(path, new JsonObject { ["name"] = "SegResnet", ["args"] = args }.ToJsonString());
        return path;
    }

    [Test]
    public void ImportedCheckpointReproducesThePyTorchOutput()
    {
        var spec = WriteSpec((JsonObject)SegResnetFixture.Description["args"]!.DeepClone());
        var ckpt = Path.Combine(_dir, "models", "model.ckpt");

        var run = CliRun.Invoke("import-weights", "--model", spec, "--from", SegResnetFixture.WeightsPath, "--to", ckpt, "--input-shape", "8,8,8");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Success), run.ToString());
        Assert.That(run.Output, Does.Contain("65 tensors"));
        using var checkpoint = CheckpointFile.Read(ckpt);
        Assert.That(checkpoint.Contract.FixedShape, Is.EqualTo(new[] { 8, 8, 8 }));
        using var services = PipelineServices.Build(BuiltInComponents.Assemblies, []);
        using var model = services.GetRequiredService<NetworkFactory>().Create(checkpoint.Network, ckpt, "network");
        checkpoint.LoadInto(model);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var deviation = (model.call(SegResnetFixture.Input) - SegResnetFixture.ExpectedOutput).abs().max().item<float>();
        Assert.That(deviation, Is.LessThan(1e-4f));
    }

    [Test]
    public void WeightsOfAnotherArchitectureAreRefusedWithTheMismatchingNames()
    {
        var spec = WriteSpec(new JsonObject { ["num_classes"] = 3, ["in_channels"] = 2, ["init_filters"] = 4, ["use_group_normG"] = 2 });
        var ckpt = Path.Combine(_dir, "model.ckpt");

        var run = CliRun.Invoke("import-weights", "--model", spec, "--from", SegResnetFixture.WeightsPath, "--to", ckpt);

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Failure), run.ToString());
        Assert.That(run.Error, Does.Contain("not a SegResnet").And.Contain("convInit.conv.weight").And.Not.Contain("   at "));
        Assert.That(File.Exists(ckpt), Is.False);
    }

    [Test]
    public void ABadSpecArgIsAConfigErrorAtItsPath()
    {
        var spec = WriteSpec(new JsonObject { ["num_classes"] = 0 });

        var run = CliRun.Invoke("import-weights", "--model", spec, "--from", SegResnetFixture.WeightsPath, "--to", Path.Combine(_dir, "m.ckpt"));

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("spec.json").And.Contain("args.num_classes"));
    }

    [Test]
    public void InputShapeIsRefusedForDynamicShapeNetworks()
    {
        var path = Path.Combine(_dir, "spec.json");
        File.WriteAllText(path, """{"name": "UNet3D", "args": {"num_classes": 2, "in_channels": 1, "filters": "4,8"}}""");

        var run = CliRun.Invoke("import-weights", "--model", path, "--from", SegResnetFixture.WeightsPath, "--to", Path.Combine(_dir, "m.ckpt"), "--input-shape", "8,8,8");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ConfigError), run.ToString());
        Assert.That(run.Error, Does.Contain("fixed-shape"));
    }
}
