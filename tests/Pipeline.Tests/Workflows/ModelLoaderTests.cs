using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Networks.Models;
using Pipeline.Tests.Support;
using Pipeline.Workflows.ModelLoaders;
using static TorchSharp.torch;

namespace Pipeline.Tests.Workflows;

/// <summary>Clara's model loaders bind from config JSON and rebuild a checkpoint's network with its weights; TensorFlow graphs are refused clearly.</summary>
public sealed class ModelLoaderTests
{
    private static readonly Type[] Types = [typeof(CheckpointLoader), typeof(FrozenGraphModelLoader), typeof(SegResnet)];
    private string _dir = "";

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("loader-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private Tensor SaveTrainedCheckpoint(string path, Tensor input)
    {
        manual_seed(9);
        using var model = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2);
        model.RecordInputShape([8, 8, 8]);
        var spec = new NetworkSpec("SegResnet", new JsonObject { ["num_classes"] = 2, ["init_filters"] = 2, ["use_group_normG"] = 2 });
        using (var checkpoint = Checkpoint.Capture(model, spec)) CheckpointFile.Write(path, checkpoint);
        model.eval();
        using var noGrad = no_grad();
        return model.call(input);
    }

    [Test]
    public void CheckpointLoaderRebuildsTheNetworkWithItsWeightsAndFixedShape()
    {
        using var input = randn(new long[] { 1, 1, 8, 8, 8 });
        using var expected = SaveTrainedCheckpoint(Path.Combine(_dir, "model.ckpt"), input);
        var (component, problems) = ConfigBinding.Create(ComponentKind.ModelLoader, Types, "CheckpointLoader",
            new JsonObject { ["checkpoint_dir"] = _dir }.ToJsonString(), "config_validation.json", "model_loader");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => p.Message)));

        using var network = ((IModelLoader)component!).Load();

        Assert.That(((INetwork)network).InputContract.FixedShape, Is.EqualTo(new[] { 8, 8, 8 }));
        Assert.That(network.training, Is.False);
        using var noGrad = no_grad();
        using var actual = network.call(input);
        Assert.That(actual.equal(expected).all().item<bool>(), Is.True);
    }

    [Test]
    public void FrozenGraphModelLoaderLoadsOurCheckpoint()
    {
        var path = Path.Combine(_dir, "model.ckpt");
        using var input = randn(new long[] { 1, 1, 8, 8, 8 });
        using var expected = SaveTrainedCheckpoint(path, input);
        var (component, _) = ConfigBinding.Create(ComponentKind.ModelLoader, Types, "FrozenGraphModelLoader",
            new JsonObject { ["model_file_path"] = path }.ToJsonString(), "config_validation.json", "model_loader");

        using var network = ((IModelLoader)component!).Load();
        using var noGrad = no_grad();
        using var actual = network.call(input);
        Assert.That(actual.equal(expected).all().item<bool>(), Is.True);
    }

    [Test]
    public void ATensorFlowGraphIsRefusedAtModelFilePathWithWhatToDoInstead()
    {
        var (_, problems) = ConfigBinding.Create(ComponentKind.ModelLoader, Types, "FrozenGraphModelLoader",
            """{"model_file_path": "models/model.fzn.pb"}""", "config_validation.json", "model_loader");

        var problem = problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("model_loader.args.model_file_path"));
        Assert.That(problem.Message, Does.Contain("TensorFlow").And.Contain("CheckpointLoader").And.Contain("import-weights"));
    }

    [Test]
    public void AMissingCheckpointSaysHowToGetOne()
    {
        var (component, _) = ConfigBinding.Create(ComponentKind.ModelLoader, Types, "CheckpointLoader",
            new JsonObject { ["checkpoint_dir"] = _dir }.ToJsonString(), "config_validation.json", "model_loader");

        var error = Assert.Throws<FileNotFoundException>(() => ((IModelLoader)component!).Load())!;
        Assert.That(error.Message, Does.Contain("model.ckpt").And.Contain("mmar train").And.Contain("import-weights"));
    }

    [Test]
    public void TensorFlowNodeNamesAreRefused()
    {
        var (_, problems) = ConfigBinding.Create(ComponentKind.ModelLoader, Types, "CheckpointLoader",
            """{"checkpoint_dir": "models", "output_node_names": ["NV_MODEL_OUTPUT"]}""", "config_validation.json", "model_loader");
        Assert.That(problems.Items.Select(p => p.JsonPath), Does.Contain("model_loader.args.output_node_names"));
    }
}
