using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Networks.Models;
using Pipeline.Networks.Weights;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Checkpoints;

/// <summary>Checkpoints round-trip spec, contract, weights and training state, are written atomically, and refuse the wrong architecture.</summary>
public sealed class CheckpointFileTests
{
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("ckpt-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private static NetworkSpec Spec => new("SegResnet", new JsonObject { ["num_classes"] = 2, ["init_filters"] = 2, ["use_group_normG"] = 2 });

    [Test]
    public void RoundTripRestoresTheSameNetworkOutput()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        manual_seed(1);
        using var trained = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2);
        trained.RecordInputShape([16, 16, 16]);
        var state = new JsonObject { ["epoch"] = 7, ["best_metric"] = 0.83 };
        using var rng = random.get_rng_state();
        using (var checkpoint = Checkpoint.Capture(trained, Spec, state, new Dictionary<string, Tensor> { ["rng/torch"] = rng.clone() }))
            CheckpointFile.Write(path, checkpoint);

        manual_seed(2);
        using var restored = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2);
        using (var checkpoint = CheckpointFile.Read(path))
        {
            Assert.That(checkpoint.Network, Is.EqualTo(Spec));
            Assert.That(checkpoint.Contract, Is.EqualTo(trained.InputContract));
            Assert.That(checkpoint.TrainingState!["epoch"]!.GetValue<int>(), Is.EqualTo(7));
            Assert.That(checkpoint.TrainingTensors["rng/torch"].equal(rng).all().item<bool>(), Is.True);
            checkpoint.LoadInto(restored);
        }
        Assert.That(restored.FixedInputShape, Is.EqualTo(new[] { 16, 16, 16 }));

        trained.eval();
        restored.eval();
        using var noGrad = no_grad();
        using var x = randn(new long[] { 1, 1, 16, 16, 16 });
        using var a = trained.call(x);
        using var b = restored.call(x);
        Assert.That(a.equal(b).all().item<bool>(), Is.True);
    }

    [Test]
    public void DescriptionIsReadWithoutTheWeights()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2);
        using (var checkpoint = Checkpoint.Capture(model, Spec)) CheckpointFile.Write(path, checkpoint);
        var (network, contract, state) = CheckpointFile.ReadDescription(path);
        Assert.That(network.Name, Is.EqualTo("SegResnet"));
        Assert.That(contract.SupportsDynamicShape, Is.False);
        Assert.That(state, Is.Null);
    }

    [Test]
    public void LoadingIntoAnotherArchitectureNamesTheMismatchingParameters()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2);
        using (var checkpoint = Checkpoint.Capture(model, Spec)) CheckpointFile.Write(path, checkpoint);
        using var other = new SegResnet(numClasses: 3, initFilters: 2, groupNormGroups: 2);
        using var read = CheckpointFile.Read(path);
        var error = Assert.Throws<WeightMismatchException>(() => read.LoadInto(other))!;
        Assert.That(error.Mismatched, Has.Some.StartsWith("conv_final.2.conv.weight"));
    }

    [Test]
    public void PlainSafetensorsWeightsAreNotACheckpoint()
    {
        var path = Path.Combine(_dir, "weights.safetensors");
        using var t = zeros(new long[] { 2 });
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["w"] = t });
        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Read(path))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain("import-weights"));
    }

    [Test]
    public void ANewerFormatVersionIsRefused()
    {
        var path = Path.Combine(_dir, "future.ckpt");
        using var t = zeros(new long[] { 2 });
        SafetensorsWriter.Write(path, new Dictionary<string, Tensor> { ["model/w"] = t },
            new Dictionary<string, string> { ["format"] = CheckpointFile.FormatName, ["format_version"] = "99" });
        Assert.That(Assert.Throws<CheckpointFormatException>(() => CheckpointFile.ReadDescription(path))!.Message, Does.Contain("newer"));
    }

    [Test]
    public void ATruncatedFileIsAFormatErrorNotACrash()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2);
        using (var checkpoint = Checkpoint.Capture(model, Spec)) CheckpointFile.Write(path, checkpoint);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Read(path));
    }

    [Test]
    public void AWriteThatFailsLeavesThePreviousCheckpointIntact()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var model = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2);
        using (var checkpoint = Checkpoint.Capture(model, Spec)) CheckpointFile.Write(path, checkpoint);
        var before = File.ReadAllBytes(path);

        // A tensor the format cannot hold makes the writer fail part-way; the old file must survive untouched.
        using var complex = zeros(new long[] { 2 }, dtype: ScalarType.ComplexFloat32);
        using var broken = new Checkpoint(Spec, model.InputContract, new Dictionary<string, Tensor> { ["w"] = complex.alias() });
        Assert.That(() => CheckpointFile.Write(path, broken), Throws.Exception);
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "no temp file may be left behind");
    }
}
