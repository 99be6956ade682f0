using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration.Registry;
using Pipeline.Runner;
using Pipeline.Tests.Runner;
using Pipeline.Inference;

namespace Pipeline.Tests.Training;

/// <summary>The runner's registry and <c>mmar list</c> see the built-in losses, optimizers, learning-rate policies and metrics.</summary>
public sealed class TrainingComponentRegistryTests
{
    [Test]
    public void BuiltInRegistryHasEveryTrainingComponentUnderItsKind()
    {
        using var services = PipelineServices.Build(BuiltInComponents.Assemblies, []);
        var registry = services.GetRequiredService<ComponentRegistry>();
        Assert.That(registry.NamesOf(ComponentKind.Loss), Is.SupersetOf(new[] { "Dice", "CrossEntropy", "Focal", "CrossEntropyDice", "FocalDice" }));
        Assert.That(registry.NamesOf(ComponentKind.Optimizer), Is.SupersetOf(new[] { "Adam", "Momentum", "NovoGrad" }));
        Assert.That(registry.NamesOf(ComponentKind.LrPolicy), Is.SupersetOf(new[] { "ReducePoly", "ReduceCosine", "DecayOnStep", "ReduceOnPlateau" }));
        Assert.That(registry.NamesOf(ComponentKind.Metric), Is.SupersetOf(new[] { "ComputeAverageDice", "ComputeAverage", "HausdorffDistance95", "AverageSurfaceDistance" }));
        Assert.That(registry.FindByName(ComponentKind.Transform, "Dice"), Is.Null, "a loss is not a transform");
    }

    [Test]
    public void ListShowsTheLossesWithTheirArgs()
    {
        var run = CliRun.Invoke("list", "loss");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.Output, Does.Contain("CrossEntropyDice"));
        Assert.That(run.Output, Does.Contain("is_onehot_targets"));
        var policies = CliRun.Invoke("list", "lr_policy");
        Assert.That(policies.Output, Does.Contain("plateau_count_trigger"));
        var metrics = CliRun.Invoke("list", "metric");
        Assert.That(metrics.ExitCode, Is.EqualTo(0), metrics.ToString());
        Assert.That(metrics.Output, Does.Contain("ComputeAverageDice"));
        Assert.That(metrics.Output, Does.Contain("logit_thresh"));
    }
}
