using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Tests.Support;
using Pipeline.Training.Metrics;

namespace Pipeline.Tests.Training.Metrics;

/// <summary>Metrics bound from Clara config JSON through the real registry and factory, as <c>val_metrics</c> entries.</summary>
public sealed class MetricConfigBindingTests
{
    private static readonly Type[] Types =
        [typeof(ComputeAverageDice), typeof(ComputeAverage), typeof(HausdorffDistance95), typeof(AverageSurfaceDistance)];

    private static object Bind(string name, string args)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Metric, Types, name, args, "config_validation.json", "validate.metrics[0]");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        return component!;
    }

    [Test]
    public void ClaraMeanDiceBinds()
    {
        var dice = (ComputeAverageDice)Bind("ComputeAverageDice", """{"name": "mean_dice", "field": "model", "label_field": "label", "is_key_metric": true}""");
        Assert.That(dice.Name, Is.EqualTo("mean_dice"));
        Assert.That(dice.IsKeyMetric, Is.True);
        Assert.That(dice.Field, Is.EqualTo("model"));
        Assert.That(dice.LabelField, Is.EqualTo("label"));
        Assert.That(dice.RemoveBg, Is.True);
        Assert.That(dice.LogitThresh, Is.EqualTo(0.5));
        Assert.That(dice.ReportPath, Is.Null);
    }

    [Test]
    public void EveryMetricBindsWithItsClaraArgs()
    {
        var dice = (ComputeAverageDice)Bind("ComputeAverageDice", """{"field": "model", "remove_bg": false, "logit_thresh": 0.3, "is_one_hot_targets": true, "report_path": "reports"}""");
        Assert.That(dice.Name, Is.EqualTo("ComputeAverageDice"));
        Assert.That((dice.RemoveBg, dice.LogitThresh, dice.IsOneHotTargets, dice.ReportPath), Is.EqualTo((false, 0.3, true, "reports")));
        var average = (ComputeAverage)Bind("ComputeAverage", """{"name": "val_negloss", "field": "negloss", "is_key_metric": true}""");
        Assert.That((average.Name, average.Field, average.IsKeyMetric), Is.EqualTo(("val_negloss", "negloss", true)));
        var hd = (HausdorffDistance95)Bind("HausdorffDistance95", """{"name": "hd95", "spacing": [1.5, 1.5, 2.0]}""");
        Assert.That(hd.Spacing, Is.EqualTo(new[] { 1.5, 1.5, 2.0 }));
        Assert.That(hd.Name, Is.EqualTo("hd95"));
        Assert.That(((AverageSurfaceDistance)Bind("AverageSurfaceDistance", "{}")).Spacing, Is.EqualTo(new[] { 1.0 }));
    }

    [TestCase("ComputeAverageDice", """{"logit_thresh": "high"}""", "validate.metrics[0].args.logit_thresh", "")]
    [TestCase("ComputeAverageDice", """{"field": ""}""", "validate.metrics[0].args.field", "name a field")]
    [TestCase("ComputeAverageDice", """{"remove_background": true}""", "validate.metrics[0].args.remove_background", "remove_bg")]
    [TestCase("ComputeAverage", """{"name": "x"}""", "validate.metrics[0].args", "needs arg 'field'")]
    [TestCase("HausdorffDistance95", """{"spacing": [1.0, -2.0, 1.0]}""", "validate.metrics[0].args.spacing", "positive")]
    [TestCase("AverageSurfaceDistance", """{"is_key_metric": true}""", "validate.metrics[0].args.is_key_metric", "lower-is-better")]
    public void BadArgsAreReportedAtTheirPath(string name, string args, string path, string message)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Metric, Types, name, args, "config_validation.json", "validate.metrics[0]");
        Assert.That(component, Is.Null);
        var problem = problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo(path), problem.Message);
        Assert.That(problem.Message, Does.Contain(message));
    }
}
