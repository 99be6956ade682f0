using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Registry;

namespace Pipeline.Tests.Configuration.Registry;

public sealed class ComponentRegistryTests
{
    private ServiceProvider _services = null!;
    private ComponentRegistry _registry = null!;

    [SetUp]
    public void SetUp()
    {
        _services = TestComponents.BuildServices();
        _registry = _services.GetRequiredService<ComponentRegistry>();
    }

    [TearDown]
    public void TearDown() => _services.Dispose();

    [Test]
    public void AliasesResolveToTheSameComponent()
    {
        var primary = _registry.FindByName(ComponentKind.Inferer, "FakeScanWindowInferer");
        var alias = _registry.FindByName(ComponentKind.Inferer, "TFFakeScanWindowInferer");
        Assert.That(primary!.Descriptor.Type, Is.EqualTo(typeof(FakeScanWindowInferer)));
        Assert.That(alias!.Descriptor, Is.SameAs(primary.Descriptor));
        Assert.That(alias.IgnoredCase, Is.False);
    }

    [Test]
    public void NamesAreLookedUpWithinAKind()
    {
        Assert.That(_registry.FindByName(ComponentKind.Transform, "FakeScanWindowInferer"), Is.Null);
        Assert.That(_registry.FindByNameInOtherKinds(ComponentKind.Transform, "FakeScanWindowInferer").Single().Kind, Is.EqualTo(ComponentKind.Inferer));
    }

    [Test]
    public void CaseInsensitiveMatchIsFlagged()
    {
        var match = _registry.FindByName(ComponentKind.Inferer, "tffakescanwindowinferer");
        Assert.That(match!.Descriptor.Type, Is.EqualTo(typeof(FakeScanWindowInferer)));
        Assert.That(match.IgnoredCase, Is.True);
        Assert.That(match.MatchedName, Is.EqualTo("TFFakeScanWindowInferer"));
    }

    [Test]
    public void FindsByFullAndAssemblyQualifiedTypeName()
    {
        Assert.That(_registry.FindByPath(typeof(FakeDice).FullName!)!.Descriptor.Type, Is.EqualTo(typeof(FakeDice)));
        Assert.That(_registry.FindByPath(typeof(FakeDice).AssemblyQualifiedName!)!.Descriptor.Type, Is.EqualTo(typeof(FakeDice)));
        Assert.That(_registry.FindByPath($"{typeof(FakeDice).FullName}, SomeOtherAssembly"), Is.Null);
        Assert.That(_registry.FindByPath("No.Such.Type"), Is.Null);
    }

    [Test]
    public void ListsAllAndByKind()
    {
        Assert.That(_registry.All.Select(d => d.Type), Is.EquivalentTo(TestComponents.All));
        Assert.That(_registry.OfKind(ComponentKind.Transform).Select(d => d.Type), Is.EquivalentTo(new[] { typeof(FakeTypedTransform), typeof(FakeServiceTransform) }));
        Assert.That(_registry.NamesOf(ComponentKind.Inferer), Is.EqualTo(new[] { "FakeScanWindowInferer", "TFFakeScanWindowInferer" }));
        Assert.That(_registry.FindByType(typeof(FakeDice))!.Name, Is.EqualTo("FakeDice"));
    }

    [Test]
    public void ComponentsAreRegisteredAsTransientSelf()
    {
        var a = _services.GetRequiredService<FakeDice>();
        var b = _services.GetRequiredService<FakeDice>();
        Assert.That(a, Is.Not.SameAs(b));
        Assert.That(_services.GetServices<ComponentDescriptor>().Count(), Is.EqualTo(TestComponents.All.Length));
    }

    [Test]
    public void DuplicateNameWithinAKindIsAStartupErrorNamingBothTypes()
    {
        var services = new ServiceCollection().AddPipelineComponentTypes(ComponentSource.BuiltIn, typeof(TwinTransformA), typeof(TwinTransformB));
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<ConfigException>(() => provider.GetRequiredService<ComponentRegistry>());
        Assert.That(e!.Message, Does.Contain("duplicate transform name 'Twin'")
            .And.Contain(typeof(TwinTransformA).FullName!)
            .And.Contain(typeof(TwinTransformB).FullName!));
    }

    [Test]
    public void TheSameClassRegisteredTwiceIsNoClash()
    {
        var services = new ServiceCollection()
            .AddPipelineComponentTypes(ComponentSource.BuiltIn, typeof(FakeDice))
            .AddPipelineComponentTypes(ComponentSource.BuiltIn, typeof(FakeDice));
        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<ComponentRegistry>().All, Has.Count.EqualTo(1));
    }

    [Test]
    public void BuiltInAssembliesRegisterWithoutClashes()
    {
        using var provider = PipelineServices.Build([typeof(Pipeline.Transforms.Intensity.ScaleIntensityRange).Assembly], []);
        var registry = provider.GetRequiredService<ComponentRegistry>();
        Assert.That(registry.FindByName(ComponentKind.Transform, "ScaleIntensityRange")?.Descriptor.Source, Is.EqualTo(ComponentSource.BuiltIn));
    }
}
