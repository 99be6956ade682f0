using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Tests.Support;
using Pipeline.Training.Losses;

namespace Pipeline.Tests.Training.Losses;

/// <summary>Losses bound from Clara config JSON through the real registry and factory, as the <c>loss</c> section.</summary>
public sealed class LossConfigBindingTests
{
    private static readonly Type[] Types =
        [typeof(DiceLoss), typeof(CrossEntropyLoss), typeof(FocalLoss), typeof(CrossEntropyDiceLoss), typeof(FocalDiceLoss)];

    private static object Bind(string name, string args)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Loss, Types, name, args, "config_train.json", "train.loss");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        return component!;
    }

    [Test]
    public void ClaraDiceArgsBind()
    {
        var dice = (DiceLoss)Bind("Dice", """{"data_format": "channels_first", "skip_background": false, "squared_pred": true, "is_onehot_targets": false, "smooth": 1e-5}""");
        Assert.That(dice.SquaredPred, Is.True);
        Assert.That(dice.SkipBackground, Is.False);
        Assert.That(dice.Smooth, Is.EqualTo(1e-5));
        Assert.That(dice.TopSmooth, Is.EqualTo(0.0));
    }

    [Test]
    public void EveryLossBindsWithoutArgs()
    {
        Assert.That(Bind("Dice", "{}"), Is.InstanceOf<DiceLoss>());
        Assert.That(Bind("CrossEntropy", "{}"), Is.InstanceOf<CrossEntropyLoss>());
        Assert.That(((FocalLoss)Bind("Focal", """{"skip_background": true}""")).Gamma, Is.EqualTo(2.0));
        Assert.That(((CrossEntropyDiceLoss)Bind("CrossEntropyDice", """{"lambda_ce": 0.5}""")).LambdaCe, Is.EqualTo(0.5));
        var focalDice = (FocalDiceLoss)Bind("FocalDice", """{"gamma": 1, "alpha": null, "lambda_focal": 2}""");
        Assert.That(focalDice.LambdaFocal, Is.EqualTo(2.0));
    }

    [TestCase("Dice", """{"data_format": "channels_last"}""", "train.loss.args.data_format", "channels_first")]
    [TestCase("Dice", """{"smooth": -1}""", "train.loss.args.smooth", "≥ 0")]
    [TestCase("Focal", """{"alpha": 1.5}""", "train.loss.args.alpha", "[0, 1]")]
    [TestCase("Focal", """{"gamma": -2}""", "train.loss.args.gamma", "≥ 0")]
    [TestCase("CrossEntropy", """{"smooth": 0}""", "train.loss.args.smooth", "(0, 1)")]
    [TestCase("CrossEntropyDice", """{"lambda_ce": -1}""", "train.loss.args.lambda_ce", "≥ 0")]
    [TestCase("Dice", """{"squared_preds": true}""", "train.loss.args.squared_preds", "squared_pred")]
    public void BadArgsAreReportedAtTheirPath(string name, string args, string path, string message)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Loss, Types, name, args, "config_train.json", "train.loss");
        Assert.That(component, Is.Null);
        var problem = problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo(path));
        Assert.That(problem.Message, Does.Contain(message));
    }
}
