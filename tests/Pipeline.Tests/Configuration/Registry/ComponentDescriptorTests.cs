using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration.Registry;

namespace Pipeline.Tests.Configuration.Registry;

public sealed class ComponentDescriptorTests
{
    [Test]
    public void ReadsKindNamesAndSource()
    {
        var d = ComponentDescriptor.FromType(typeof(FakeScanWindowInferer), ComponentSource.BuiltIn);
        Assert.That(d.Kind, Is.EqualTo(ComponentKind.Inferer));
        Assert.That(d.Names, Is.EqualTo(new[] { "FakeScanWindowInferer", "TFFakeScanWindowInferer" }));
        Assert.That(d.Name, Is.EqualTo("FakeScanWindowInferer"));
        Assert.That(d.FullName, Is.EqualTo(typeof(FakeScanWindowInferer).FullName));
        Assert.That(d.Source.IsPlugin, Is.False);
    }

    [Test]
    public void ArgNamesAreSnakeCaseUnlessArgAttributeOverrides()
    {
        var d = ComponentDescriptor.FromType(typeof(FakeTypedTransform), ComponentSource.BuiltIn);
        Assert.That(d.Args.Select(a => a.Name), Is.EqualTo(new[]
        {
            "fields", "size", "scale", "enabled", "roi_size", "mode", "seed", "extra", "group_norm", "weights", "note", "labels", "keys", "pixdim",
        }));
        var groupNorm = d.FindArg("use_group_normG");
        Assert.That(groupNorm?.Name, Is.EqualTo("group_norm"));
        Assert.That(groupNorm!.Description, Is.EqualTo("use group normalisation"));
    }

    [Test]
    public void RequiredArgsHaveNoDefaultAndDefaultsAreKept()
    {
        var d = ComponentDescriptor.FromType(typeof(FakeTypedTransform), ComponentSource.BuiltIn);
        Assert.That(d.Args.Where(a => a.IsRequired).Select(a => a.Name), Is.EqualTo(new[] { "fields", "size" }));
        Assert.That(d.FindArg("scale")!.DefaultValue, Is.EqualTo(1.5));
        Assert.That(d.FindArg("mode")!.DefaultValue, Is.EqualTo(FakeMode.Linear));
        Assert.That(d.FindArg("roi_size")!.HasDefault, Is.True);
        Assert.That(d.FindArg("roi_size")!.DefaultValue, Is.Null);
    }

    [Test]
    public void ArgTypesDescribeTheJsonShape()
    {
        var d = ComponentDescriptor.FromType(typeof(FakeTypedTransform), ComponentSource.BuiltIn);
        Assert.That(d.FindArg("fields")!.ArgType!.Kind, Is.EqualTo(ArgTypeKind.List));
        Assert.That(d.FindArg("fields")!.ArgType!.Element!.Kind, Is.EqualTo(ArgTypeKind.String));
        Assert.That(d.FindArg("size")!.ArgType!.Kind, Is.EqualTo(ArgTypeKind.Integer));
        Assert.That(d.FindArg("seed")!.ArgType!.AcceptsNull, Is.True);
        Assert.That(d.FindArg("size")!.ArgType!.AcceptsNull, Is.False);
        Assert.That(d.FindArg("mode")!.ArgType!.EnumValues, Is.EqualTo(new[] { "nearest_neighbor", "linear" }));
        Assert.That(d.FindArg("extra")!.ArgType!.Kind, Is.EqualTo(ArgTypeKind.Json));
        Assert.That(d.FindArg("labels")!.ArgType!.Kind, Is.EqualTo(ArgTypeKind.Map));
        Assert.That(d.FindArg("roi_size")!.ArgType!.ShortName, Is.EqualTo("int[]?"));
    }

    [Test]
    public void ParametersOfNonConfigTypesAreServices()
    {
        var d = ComponentDescriptor.FromType(typeof(FakeServiceTransform), ComponentSource.BuiltIn);
        Assert.That(d.Parameters.Where(p => p.IsService).Select(p => p.ClrType), Is.EqualTo(new[] { typeof(IFakeClock), typeof(ComponentRegistry) }));
        Assert.That(d.Args.Select(a => a.Name), Is.EqualTo(new[] { "offset" }));
    }

    [Test]
    public void ExistingFileArgsAreMarked()
    {
        var d = ComponentDescriptor.FromType(typeof(FakeCheckpointLoader), ComponentSource.BuiltIn);
        Assert.That(d.FindArg("checkpoint_file")!.IsExistingFile, Is.True);
    }

    [Test]
    public void TwoEquallyWideConstructorsAreADeclarationError()
    {
        var e = Assert.Throws<ComponentDeclarationException>(() => ComponentDescriptor.FromType(typeof(AmbiguousConstructors), ComponentSource.BuiltIn));
        Assert.That(e!.Message, Does.Contain("AmbiguousConstructors").And.Contain("2 public constructors with 1 parameters"));
    }
}
