using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Tests.Support;
using Pipeline.Training.AuxOps;
using static TorchSharp.torch;

namespace Pipeline.Tests.Training.AuxOps;

/// <summary>NegLoss negates the step loss under its tag.</summary>
public sealed class NegLossTests
{
    [Test]
    public void TheTagHoldsTheNegatedLossWithoutGradient()
    {
        using var scope = NewDisposeScope();
        var weight = tensor(new[] { 0.5f, 1.5f }).requires_grad_(true);
        var loss = (weight * weight).sum(); // 2.5
        var values = new NegLoss().Compute(zeros(1, 2, 2), zeros(1, 1, 2), loss);
        Assert.That(values.Keys.Single(), Is.EqualTo("negloss"));
        Assert.That(values["negloss"].item<float>(), Is.EqualTo(-2.5f));
        Assert.That(values["negloss"].requires_grad, Is.False);
    }

    [Test]
    public void ConfigNamesTheTag()
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.AuxOp, [typeof(NegLoss)], "NegLoss", """{"tag": "val_negloss"}""", "config_train.json", "train.aux_ops[0]");
        Assert.That(problems.Items, Is.Empty);
        Assert.That(((NegLoss)component!).Tags, Is.EqualTo(new[] { "val_negloss" }));
    }

    [Test]
    public void ALossOfSeveralValuesIsRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => new NegLoss().Compute(zeros(1, 2, 2), zeros(1, 1, 2), ones(2)));
    }
}
