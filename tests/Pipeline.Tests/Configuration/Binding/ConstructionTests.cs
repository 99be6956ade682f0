using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Configuration.Registry;
using Pipeline.Tests.Configuration.Registry;
using static Pipeline.Tests.Configuration.Registry.TestComponents;

namespace Pipeline.Tests.Configuration.Binding;

/// <summary>Services from DI, file args, and what constructors throw.</summary>
public sealed class ConstructionTests
{
    private sealed class FixedClock : IFakeClock
    {
        public DateTime Now => new(2021, 1, 1);
    }

    private ConfigProblems _problems = null!;

    [SetUp]
    public void SetUp() => _problems = new ConfigProblems();

    private object? CreateInferer(string args)
    {
        using var services = BuildServices();
        return services.GetRequiredService<ComponentFactory>().Create(Spec(ComponentKind.Inferer, "FakeScanWindowInferer", args, "validate.inferer"), _problems);
    }

    [Test]
    public void ServiceParametersComeFromDependencyInjection()
    {
        var clock = new FixedClock();
        using var services = BuildServices(s => s.AddSingleton<IFakeClock>(clock));
        var t = (FakeServiceTransform?)services.GetRequiredService<ComponentFactory>()
            .Create(Spec(ComponentKind.Transform, "FakeServiceTransform", """{"offset": 2}"""), _problems);
        Assert.That(_problems.Items, Is.Empty);
        Assert.That(t!.Clock, Is.SameAs(clock));
        Assert.That(t.Registry, Is.SameAs(services.GetRequiredService<ComponentRegistry>()));
        Assert.That(t.Offset, Is.EqualTo(2.0));
    }

    [Test]
    public void ServiceArgsCannotBeSetFromAConfig()
    {
        using var services = BuildServices(s => s.AddSingleton<IFakeClock>(new FixedClock()));
        services.GetRequiredService<ComponentFactory>().Create(Spec(ComponentKind.Transform, "FakeServiceTransform", """{"clock": 1}"""), _problems);
        Assert.That(_problems.Items.Single().Message, Does.Contain("has no arg 'clock'; accepted: offset"));
    }

    [Test]
    public void MissingServiceIsReportedAtTheSpec()
    {
        using var services = BuildServices();
        services.GetRequiredService<ComponentFactory>().Create(Spec(ComponentKind.Transform, "FakeServiceTransform"), _problems);
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("train.pre_transforms[0]"));
        Assert.That(problem.Message, Does.Contain("needs the service IFakeClock"));
    }

    [Test]
    public void ConfigArgExceptionIsReportedAtItsArg()
    {
        Assert.That(CreateInferer("""{"roi_size": [8, -1]}"""), Is.Null);
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("validate.inferer.args.roi_size[1]"));
        Assert.That(problem.Message, Is.EqualTo("must be positive, got -1"));
    }

    [Test]
    public void ArgumentExceptionNamingAParameterIsReportedAtThatArg()
    {
        CreateInferer("""{"roi_size": [8], "batch_size": 65}""");
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("validate.inferer.args.batch_size"));
        Assert.That(problem.Message, Does.StartWith("at most 64 windows per batch").And.Not.Contain("Parameter 'batchSize'"));
    }

    [Test]
    public void OtherArgumentExceptionIsReportedAtArgs()
    {
        CreateInferer("""{"roi_size": [8], "batch_size": 13}""");
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("validate.inferer.args"));
        Assert.That(problem.Message, Is.EqualTo("thirteen windows is not allowed"));
    }

    [Test]
    public void AnyOtherExceptionNamesTheComponentWithoutAStackTrace()
    {
        CreateInferer("""{"roi_size": [1, 1, 1, 1, 1, 1, 1]}""");
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("validate.inferer"));
        Assert.That(problem.Message, Is.EqualTo("FakeScanWindowInferer could not be created: InvalidOperationException: seven axes are too many"));
    }

    [Test]
    public void ExistingFileArgMustExist()
    {
        using var services = BuildServices();
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.ckpt");
        services.GetRequiredService<ComponentFactory>().Create(
            Spec(ComponentKind.ModelLoader, "FakeCheckpointLoader", $$"""{"checkpoint_file": "{{missing}}"}""", "model_loader"), _problems);
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("model_loader.args.checkpoint_file"));
        Assert.That(problem.Message, Is.EqualTo($"file not found: {missing}"));
    }

    [Test]
    public void RelativeExistingFileResolvesAgainstTheRegisteredRoot()
    {
        var root = Directory.CreateTempSubdirectory("mmar-root-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "models"));
            var file = Path.Combine(root.FullName, "models", "model.ckpt");
            File.WriteAllText(file, "");
            using var services = BuildServices(s => s.AddSingleton(new MmarPaths(root.FullName, null, null, null, null, null)));
            var loader = (FakeCheckpointLoader?)services.GetRequiredService<ComponentFactory>().Create(
                Spec(ComponentKind.ModelLoader, "FakeCheckpointLoader", """{"checkpoint_file": "models/model.ckpt"}""", "model_loader"), _problems);
            Assert.That(_problems.Items, Is.Empty);
            Assert.That(loader!.CheckpointFile, Is.EqualTo(file));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
