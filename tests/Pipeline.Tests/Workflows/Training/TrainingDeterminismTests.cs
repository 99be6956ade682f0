using System.Text.Json.Nodes;
using NUnit.Framework;
using Pipeline.Data;
using Pipeline.Networks;
using Pipeline.Networks.Models;
using Pipeline.Tests.Workflows.Pipelines;
using Pipeline.Training.Losses;
using Pipeline.Training.Optimizers;
using Pipeline.Transforms.Crops;
using Pipeline.Transforms.Intensity;
using Pipeline.Transforms.Loading;
using Pipeline.Transforms.Spatial;
using Pipeline.Workflows.Pipelines;
using Pipeline.Workflows.Training;
using static TorchSharp.torch;

namespace Pipeline.Tests.Workflows.Training;

/// <summary>Clara's <c>determinism</c>: the same seed gives bitwise-identical weights after N CPU steps, whatever <c>num_workers</c> is, with either image pipeline.</summary>
public sealed class TrainingDeterminismTests
{
    private static SyntheticDatalist? _data;

    [OneTimeSetUp]
    public void WriteData() => _data = new SyntheticDatalist(6);

    [OneTimeTearDown]
    public void DeleteData() => _data?.Dispose();

    private static IImagePipeline Pipeline(bool cached, int workers) =>
        cached
            ? new SegmentationImagePipelineWithCache(_data!.DatalistFile, _data.Folder, "training", [4, 4, 4], numCacheObjects: 4, replacePercent: 0.5,
                numReplaceWorkers: workers, outputBatchSize: 2, numWorkers: workers, prefetchSize: 0)
            : new SegmentationImagePipeline(_data!.DatalistFile, _data.Folder, "training", [4, 4, 4], outputBatchSize: 2, numWorkers: workers, prefetchSize: 2);

    /// <summary>Trains a tiny SegResnet (with dropout, so the global generator matters) for 3 epochs and returns every weight.</summary>
    private static Dictionary<string, float[]> Train(bool cached, int workers, long seed)
    {
        var checkpoints = Directory.CreateTempSubdirectory("determinism-").FullName;
        try
        {
            manual_seed(seed);
            using var network = new SegResnet(numClasses: 2, blocksDown: [1, 1], blocksUp: [1], initFilters: 4, groupNormGroups: 2, dropoutProb: 0.2);
            var spec = new NetworkSpec("SegResnet", new JsonObject { ["num_classes"] = 2, ["blocks_down"] = "1,1", ["blocks_up"] = "1", ["init_filters"] = 4, ["use_group_normG"] = 2, ["dropout_prob"] = 0.2 });
            var chain = new TransformChain([
                new LoadNifti(["image", "label"]),
                new ScaleIntensityRange(["image"], 0, 6000, clip: true),
                new CropFixedSizeRandomCenter([4, 4, 4], ["image", "label"]),
                new AddGaussianNoise(["image"], probability: 0.5, variance: 0.01),
                new RandomAxisFlip(["image", "label"]),
            ]);
            var pipeline = Pipeline(cached, workers);
            try
            {
                var setup = new TrainingSetup(network, spec, new CrossEntropyDiceLoss(), new AdamOptimizerFactory(), null, chain, [], pipeline,
                    null, null, null, []);
                new SupervisedTrainer(setup, new TrainingSettings(3, 1, 1e-2, seed, checkpoints)).Run();
            }
            finally
            {
                (pipeline as IDisposable)?.Dispose();
            }
            return network.state_dict().ToDictionary(p => p.Key, p => p.Value.to_type(ScalarType.Float32).data<float>().ToArray());
        }
        finally
        {
            Directory.Delete(checkpoints, recursive: true);
        }
    }

    private static Dictionary<string, float[]> Initial(long seed)
    {
        manual_seed(seed);
        using var network = new SegResnet(numClasses: 2, blocksDown: [1, 1], blocksUp: [1], initFilters: 4, groupNormGroups: 2, dropoutProb: 0.2);
        return network.state_dict().ToDictionary(p => p.Key, p => p.Value.to_type(ScalarType.Float32).data<float>().ToArray());
    }

    [TestCase(false)]
    [TestCase(true)]
    public void OneAndThreeWorkersGiveBitwiseIdenticalWeights(bool cached)
    {
        var one = Train(cached, workers: 1, seed: 5);
        var three = Train(cached, workers: 3, seed: 5);
        Assert.That(three.Keys, Is.EquivalentTo(one.Keys));
        foreach (var (name, weights) in one)
            Assert.That(three[name], Is.EqualTo(weights), $"{name} differs between 1 and 3 workers");

        // The comparison has teeth: training moved the weights, and another seed lands elsewhere.
        var initial = Initial(5);
        Assert.That(one.Count(p => !p.Value.SequenceEqual(initial[p.Key])), Is.GreaterThan(one.Count / 2), "training changed the weights");
        var otherSeed = Train(cached, workers: 3, seed: 6);
        Assert.That(otherSeed.Any(p => !p.Value.SequenceEqual(one[p.Key])), Is.True, "another seed gives other weights");
    }
}
