using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Tests.Support;
using Pipeline.Training;
using Pipeline.Training.AuxOps;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.AuxOps;

/// <summary>DiceMaskedOutput against hand-computed Dice values of tiny predictions.</summary>
public sealed class DiceMaskedOutputTests
{
    /// <summary>A softmax-like prediction [B, C, N] whose argmax is <paramref name="classes"/> (one row per sample).</summary>
    private static Tensor ArgmaxPrediction(int channels, params int[][] classes)
    {
        var n = classes[0].Length;
        var values = new float[classes.Length * channels * n];
        for (var b = 0; b < classes.Length; b++)
            for (var c = 0; c < channels; c++)
                for (var i = 0; i < n; i++)
                    values[(b * channels + c) * n + i] = classes[b][i] == c ? 0.6f : 0.4f / (channels - 1);
        return tensor(values, [classes.Length, channels, n]);
    }

    private static Tensor ClassMap(params int[][] classes) =>
        tensor(classes.SelectMany(r => r).Select(v => (long)v).ToArray(), [classes.Length, 1, classes[0].Length]);

    private static Dictionary<string, double> Values(IAuxOp op, Tensor prediction, Tensor label)
    {
        using var scope = NewDisposeScope();
        return op.Compute(prediction, label, tensor(0.5f)).ToDictionary(kv => kv.Key, kv => (double)kv.Value.item<float>());
    }

    [Test]
    public void SoftmaxPredictionGivesPerChannelDiceAndTheirMean()
    {
        using var scope = NewDisposeScope();
        // argmax [0,1,2,2] vs label [0,1,1,2]: channel 0 → 1, channel 1 → 2·1/(1+2), channel 2 → 2·1/(2+1).
        var op = new DiceMaskedOutput(tags: ["dice", "dice_bg", "dice_1", "dice_2"]);
        var values = Values(op, ArgmaxPrediction(3, [0, 1, 2, 2]), ClassMap([0, 1, 1, 2]));
        Assert.That(values["dice_bg"], Is.EqualTo(1.0).Within(1e-6));
        Assert.That(values["dice_1"], Is.EqualTo(2.0 / 3).Within(1e-6));
        Assert.That(values["dice_2"], Is.EqualTo(2.0 / 3).Within(1e-6));
        Assert.That(values["dice"], Is.EqualTo(7.0 / 9).Within(1e-6));
    }

    [Test]
    public void SkipBackgroundDropsChannelZeroFromTagsAndMean()
    {
        using var scope = NewDisposeScope();
        var op = new DiceMaskedOutput(tags: ["dice", "dice_1", "dice_2"], skipBackground: true);
        var values = Values(op, ArgmaxPrediction(3, [0, 1, 2, 2]), ClassMap([0, 1, 1, 2]));
        Assert.That(values.Keys, Is.EquivalentTo(new[] { "dice", "dice_1", "dice_2" }));
        Assert.That(values["dice"], Is.EqualTo(2.0 / 3).Within(1e-6));
    }

    [Test]
    public void PairsWithAnEmptyLabelAreLeftOutEvenWhenPredicted()
    {
        using var scope = NewDisposeScope();
        // Sample 2 has no class 2 in its label but predicts it once: that pair is masked out, not counted as 0.
        // Counted: s1 → 1, 2/3, 2/3; s2 → c0 {0,1} vs {0,1} = 1, c1 {2} vs {2,3} = 2/3. Mean 4/5.
        var op = new DiceMaskedOutput(tags: ["dice", "dice_0", "dice_1", "dice_2"]);
        var values = Values(op, ArgmaxPrediction(3, [0, 1, 2, 2], [0, 0, 1, 2]), ClassMap([0, 1, 1, 2], [0, 0, 1, 1]));
        Assert.That(values["dice"], Is.EqualTo(0.8).Within(1e-6));
        Assert.That(values["dice_1"], Is.EqualTo(2.0 / 3).Within(1e-6));
        Assert.That(values["dice_2"], Is.EqualTo(2.0 / 3).Within(1e-6), "only sample 1 counts for channel 2");
    }

    [Test]
    public void IndependentPredictionsThresholdEachChannelAgainstMultiLabelTargets()
    {
        using var scope = NewDisposeScope();
        // BraTS-like overlapping regions, one sample of 4 voxels.
        var prediction = tensor(new float[]
        {
            0.9f, 0.2f, 0.7f, 0.1f, // P = {0, 2}
            0.9f, 0.8f, 0.6f, 0.4f, // P = {0, 1, 2}
            0.1f, 0.1f, 0.1f, 0.1f, // P = {}
        }, [1, 3, 4]);
        var label = tensor(new float[]
        {
            1, 0, 0, 0, // T = {0}       → 2·1/(2+1)
            1, 1, 1, 1, // T = {0..3}    → 2·3/(3+4)
            0, 0, 0, 1, // T = {3}       → 0
        }, [1, 3, 4]);
        var op = new DiceMaskedOutput(tags: ["dice", "dice_tc", "dice_wt", "dice_et"], isOnehotTargets: true, isIndependentPredictions: true);
        var values = Values(op, prediction, label);
        Assert.That(values["dice_tc"], Is.EqualTo(2.0 / 3).Within(1e-6));
        Assert.That(values["dice_wt"], Is.EqualTo(6.0 / 7).Within(1e-6));
        Assert.That(values["dice_et"], Is.EqualTo(0.0).Within(1e-6));
        Assert.That(values["dice"], Is.EqualTo((2.0 / 3 + 6.0 / 7) / 3).Within(1e-6));
    }

    [Test]
    public void ASingleChannelPredictionIsThresholdedAgainstTheForeground()
    {
        using var scope = NewDisposeScope();
        var op = new DiceMaskedOutput();
        var values = Values(op, tensor(new[] { 0.9f, 0.7f, 0.2f, 0.1f }, [1, 1, 4]), ClassMap([1, 0, 1, 0]));
        Assert.That(values.Keys.Single(), Is.EqualTo("dice"));
        Assert.That(values["dice"], Is.EqualTo(0.5).Within(1e-6), "2·1/(2+2)");
    }

    [Test]
    public void NothingToCountGivesNaN()
    {
        using var scope = NewDisposeScope();
        var op = new DiceMaskedOutput(tags: ["dice", "dice_1"], skipBackground: true);
        var values = Values(op, ArgmaxPrediction(2, [1, 1, 0, 0]), ClassMap([0, 0, 0, 0]));
        Assert.That(values["dice"], Is.NaN);
        Assert.That(values["dice_1"], Is.NaN);
    }

    [Test]
    public void TagsThatDoNotMatchTheChannelsAreRejectedNamingBoth()
    {
        using var scope = NewDisposeScope();
        var op = new DiceMaskedOutput(tags: ["dice", "dice_1"]);
        var error = Assert.Throws<ArgumentException>(() => op.Compute(ArgmaxPrediction(3, [0, 1, 2, 2]), ClassMap([0, 1, 1, 2]), tensor(0f)));
        Assert.That(error!.Message, Does.Contain("2 tags").And.Contain("3 evaluated channels"));
    }

    [Test]
    public void OutputsCarryNoGradientAndOutliveTheCallersScope()
    {
        var prediction = ArgmaxPrediction(2, [0, 1]).requires_grad_(true);
        IReadOnlyDictionary<string, Tensor> values;
        using (var scope = NewDisposeScope())
            values = new DiceMaskedOutput().Compute(prediction, ClassMap([0, 1]), tensor(0f)).ToDictionary(kv => kv.Key, kv => kv.Value.MoveToOuterDisposeScope());
        Assert.That(values["dice"].requires_grad, Is.False);
        Assert.That(values["dice"].item<float>(), Is.EqualTo(1f));
        foreach (var v in values.Values) v.Dispose();
        prediction.Dispose();
    }

    [Test]
    public void ConfigBindsClarasArgs()
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.AuxOp, [typeof(DiceMaskedOutput)], "DiceMaskedOutput",
            """{"is_onehot_targets": true, "skip_background": false, "is_independent_predictions": true, "tags": ["dice", "dice_tc", "dice_wt", "dice_et"]}""",
            "config_train.json", "train.aux_ops[0]");
        Assert.That(problems.Items, Is.Empty);
        var op = (DiceMaskedOutput)component!;
        Assert.That(op.Tags, Is.EqualTo(new[] { "dice", "dice_tc", "dice_wt", "dice_et" }));
        Assert.That(op.IsOnehotTargets && op.IsIndependentPredictions && !op.SkipBackground);
    }

    [TestCase("""{"tags": []}""", "at least one tag")]
    [TestCase("""{"tags": ["dice", "dice"]}""", "'dice' twice")]
    public void BadTagsAreConfigErrors(string args, string message)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.AuxOp, [typeof(DiceMaskedOutput)], "DiceMaskedOutput", args, "config_train.json", "train.aux_ops[0]");
        Assert.That(component, Is.Null);
        var problem = problems.Items.Single();
        Assert.That(problem.JsonPath, Does.StartWith("train.aux_ops[0]"));
        Assert.That(problem.Message, Does.Contain(message));
    }
}
