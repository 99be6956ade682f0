using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration.Registry;
using Pipeline.Runner;
using Pipeline.Tests.Runner;
using Pipeline.Inference;

namespace Pipeline.Tests.Training.AuxOps;

/// <summary>The runner's registry and <c>mmar list</c> see the built-in aux ops and training handlers.</summary>
public sealed class AuxOpAndHandlerRegistryTests
{
    [Test]
    public void BuiltInRegistryHasTheAuxOpsAndStatsHandler()
    {
        using var services = PipelineServices.Build(BuiltInComponents.Assemblies, []);
        var registry = services.GetRequiredService<ComponentRegistry>();
        Assert.That(registry.NamesOf(ComponentKind.AuxOp), Is.SupersetOf(new[] { "NegLoss", "DiceMaskedOutput" }));
        Assert.That(registry.NamesOf(ComponentKind.Handler), Does.Contain("StatsHandler"));
    }

    [Test]
    public void ListShowsThemWithTheirArgs()
    {
        var auxOps = CliRun.Invoke("list", "aux_op");
        Assert.That(auxOps.ExitCode, Is.EqualTo(0), auxOps.ToString());
        Assert.That(auxOps.Output, Does.Contain("DiceMaskedOutput").And.Contain("is_independent_predictions").And.Contain("NegLoss"));
        var handlers = CliRun.Invoke("list", "handler");
        Assert.That(handlers.ExitCode, Is.EqualTo(0), handlers.ToString());
        Assert.That(handlers.Output, Does.Contain("StatsHandler"));
    }
}
