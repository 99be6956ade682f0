using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Data;
using Pipeline.Inferers;
using Pipeline.Networks;
using Pipeline.Networks.Checkpoints;
using Pipeline.Networks.Models;
using Pipeline.Tests.Workflows.Pipelines;
using Pipeline.Training;
using Pipeline.Training.Losses;
using Pipeline.Training.Optimizers;
using Pipeline.Transforms.Crops;
using Pipeline.Transforms.Loading;
using Pipeline.Workflows.Pipelines;
using Pipeline.Workflows.Training;
using static TorchSharp.torch;

namespace Pipeline.Tests.Workflows.Training;

/// <summary><c>model.ckpt</c> follows the key metric: written only when a validation improves on the run's best, never for a NaN.</summary>
public sealed class BestModelTests
{
    private static SyntheticDatalist? _data;
    private string _checkpoints = "";

    [OneTimeSetUp]
    public void WriteData() => _data = new SyntheticDatalist(2);

    [OneTimeTearDown]
    public void DeleteData() => _data?.Dispose();

    [SetUp]
    public void CreateFolder() => _checkpoints = Directory.CreateTempSubdirectory("best-model-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_checkpoints, recursive: true);

    /// <summary>A key metric that reports the given values, one per validation, whatever the network does.</summary>
    private sealed class ScriptedMetric(params double[] values) : IMetric
    {
        private int _validation = -1;

        public string Name => "scripted";

        public bool IsKeyMetric => true;

        public void Reset() => _validation++;

        public void Update(IReadOnlyDictionary<string, Tensor> fields, IReadOnlyList<string> sampleIds)
        {
        }

        public MetricResult Aggregate() => new(values[_validation], []);
    }

    private (int BestEpoch, double? Best, BestModelOutcome Outcome) Train(params double[] metrics)
    {
        manual_seed(1);
        using var network = new SegResnet(numClasses: 2, blocksDown: [1, 1], blocksUp: [1], initFilters: 4, groupNormGroups: 2);
        var spec = new NetworkSpec("SegResnet", new JsonObject { ["num_classes"] = 2, ["blocks_down"] = "1,1", ["blocks_up"] = "1", ["init_filters"] = 4, ["use_group_normG"] = 2 });
        var chain = new TransformChain([new LoadNifti(["image", "label"]), new CropFixedSizeRandomCenter([4, 4, 4], ["image", "label"])]);
        var pipeline = new SegmentationImagePipeline(_data!.DatalistFile, _data.Folder, "training", [4, 4, 4], outputBatchSize: 2, numWorkers: 1, prefetchSize: 0);
        var validation = new SegmentationImagePipeline(_data.DatalistFile, _data.Folder, "training", [4, 4, 4], outputBatchSize: 1, numWorkers: 1, prefetchSize: 0);
        var setup = new TrainingSetup(network, spec, new CrossEntropyDiceLoss(), new AdamOptimizerFactory(), null, chain, [], pipeline,
            chain, validation.ForValidation(), new SimpleInferer(), [new ScriptedMetric(metrics)]);
        var trainer = new SupervisedTrainer(setup, new TrainingSettings(metrics.Length, 1, 1e-2, 1, _checkpoints));
        trainer.Run();
        var best = Path.Combine(_checkpoints, SupervisedTrainer.BestCheckpoint);
        if (!File.Exists(best)) return (-1, null, trainer.BestModel);
        var state = CheckpointFile.ReadDescription(best).TrainingState!;
        return (state["best_epoch"]!.GetValue<int>(), state["best_metric"]?.GetValue<double>(), trainer.BestModel);
    }

    [Test]
    public void TheBestModelIsTheEpochWithTheHighestKeyMetric()
    {
        var (epoch, best, outcome) = Train(0.2, 0.5, 0.3, 0.4);

        Assert.That(epoch, Is.EqualTo(2));
        Assert.That(best, Is.EqualTo(0.5));
        Assert.That(outcome, Is.EqualTo(BestModelOutcome.Written));
    }

    [Test]
    public void ANaNMetricNeverReplacesTheBestModelAndDoesNotBlockALaterOne()
    {
        var (epoch, best, _) = Train(double.NaN, 0.3, double.NaN, 0.1);

        Assert.That(epoch, Is.EqualTo(2));
        Assert.That(best, Is.EqualTo(0.3));
    }

    [Test]
    public void OnlyNaNMetricsWriteTheFinalWeightsAsUnvalidatedIntoAnEmptyFolder()
    {
        var (epoch, _, outcome) = Train(double.NaN, double.NaN);

        Assert.That(epoch, Is.EqualTo(-1));
        Assert.That(outcome, Is.EqualTo(BestModelOutcome.Unvalidated));
    }
}
