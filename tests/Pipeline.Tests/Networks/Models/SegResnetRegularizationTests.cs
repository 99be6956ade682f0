using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks.Models;
using Pipeline.Tests.Support;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>Clara's reg_weight: scale · Σ ½‖w‖² over the convolution kernels only, as TensorFlow's l2_regularizer.</summary>
public sealed class SegResnetRegularizationTests
{
    [Test]
    public void PenaltyIsHalfTheSquaredKernelNormTimesTheWeight()
    {
        using var model = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2, regWeight: 1e-3);
        double expected = 0;
        foreach (var (name, p) in model.named_parameters())
            if (p.dim() == 5) expected += p.square().sum().item<float>() / 2;
        expected *= 1e-3;

        using var penalty = model.RegularizationLoss();

        Assert.That(penalty.item<float>(), Is.EqualTo(expected).Within(1e-6 * Math.Max(1, expected)));
        Assert.That(expected, Is.GreaterThan(0));
    }

    [Test]
    public void PenaltyIsDifferentiableAndIgnoresNormAndBiasParameters()
    {
        using var model = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2, regWeight: 0.5);
        using var penalty = model.RegularizationLoss();
        penalty.backward();
        var convInit = model.named_parameters().Single(p => p.name == "convInit.conv.weight").parameter;
        // d/dw (0.5 · ½ w²) = 0.5 w.
        Assert.That(convInit.grad!.allclose(convInit * 0.5, rtol: 1e-5, atol: 1e-7), Is.True);
        var norm = model.named_parameters().First(p => p.name.Contains("norm1.weight")).parameter;
        Assert.That(norm.grad is null || norm.grad.abs().max().item<float>() == 0, Is.True);
    }

    [Test]
    public void ZeroWeightGivesZero()
    {
        using var model = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2);
        using var penalty = model.RegularizationLoss();
        Assert.That(penalty.item<float>(), Is.Zero);
    }

    [Test]
    public void ClaraRegWeightArgIsAcceptedAndANegativeOneRejected()
    {
        Type[] types = [typeof(SegResnet)];
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, types, "SegResnet",
            "{\"num_classes\": 2, \"init_filters\": 8, \"reg_weight\": 1e-5}", "config_train.json", "train.model");
        Assert.That(problems.Items, Is.Empty);
        using var model = (SegResnet)component!;
        Assert.That(model.RegularizationWeight, Is.EqualTo(1e-5));

        var (_, bad) = ConfigBinding.Create(ComponentKind.Model, types, "SegResnet",
            "{\"num_classes\": 2, \"reg_weight\": -1}", "config_train.json", "train.model");
        Assert.That(bad.Items.Select(p => p.JsonPath), Does.Contain("train.model.args.reg_weight"));
    }
}
