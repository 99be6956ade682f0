using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Plugins;
using Pipeline.Configuration.Registry;
using Pipeline.Data;
using Pipeline.Imaging;
using TorchSharp;

namespace Pipeline.Tests.Configuration.Plugins;

/// <summary>Loads the real SamplePlugin from an MMAR's plugins/ folder and runs its transform; broken plugins become problems.</summary>
public sealed class PluginCatalogTests
{
    /// <summary>Where the test project's build copies SamplePlugin.dll (see CopySamplePluginToTestOutput in the csproj).</summary>
    private static readonly string BuiltSamplePlugin = Path.Combine(AppContext.BaseDirectory, "plugins", "SamplePlugin.dll");

    private DirectoryInfo _mmar = null!;
    private string _pluginDir = null!;
    private ConfigProblems _problems = null!;

    [SetUp]
    public void SetUp()
    {
        Assert.That(File.Exists(BuiltSamplePlugin), Is.True, $"SamplePlugin.dll was not copied to {BuiltSamplePlugin}");
        _mmar = Directory.CreateTempSubdirectory("mmar-plugins-");
        Directory.CreateDirectory(Path.Combine(_mmar.FullName, "config"));
        _pluginDir = Directory.CreateDirectory(Path.Combine(_mmar.FullName, PluginCatalog.MmarPluginFolder)).FullName;
        _problems = new ConfigProblems();
    }

    [TearDown]
    public void TearDown() => _mmar.Delete(recursive: true);

    private string InstallSamplePlugin()
    {
        var target = Path.Combine(_pluginDir, "SamplePlugin.dll");
        File.Copy(BuiltSamplePlugin, target);
        return target;
    }

    private static ComponentSpec Spec(string? name, string? path, string args) => new()
    {
        Kind = ComponentKind.Transform,
        Name = name,
        Path = path,
        Args = System.Text.Json.Nodes.JsonNode.Parse(args)!.AsObject(),
        File = "config_train.json",
        JsonPath = "train.pre_transforms[2]",
    };

    [Test]
    public void SamplePluginLoadsFromTheMmarAndTransformsAnImage()
    {
        var file = InstallSamplePlugin();
        var plugins = PluginCatalog.LoadForMmar(_mmar.FullName, [], _problems);
        Assert.That(_problems.Items, Is.Empty, string.Join("\n", _problems.Items));
        Assert.That(plugins.Select(a => a.GetName().Name), Is.EqualTo(new[] { "SamplePlugin" }));
        Assert.That(AssemblyLoadContext.GetLoadContext(plugins[0]), Is.Not.SameAs(AssemblyLoadContext.Default));

        using var services = PipelineServices.Build([], plugins);
        var registry = services.GetRequiredService<ComponentRegistry>();
        var descriptor = registry.FindByPath("SamplePlugin.AddConstant")!.Descriptor;
        Assert.That(descriptor.Source, Is.EqualTo(ComponentSource.Plugin(file)));
        Assert.That(descriptor.Args.Select(a => a.Name), Is.EqualTo(new[] { "fields", "value" }));

        var factory = services.GetRequiredService<ComponentFactory>();
        var byPath = factory.Create<ITransform>(Spec("MyAdd", "SamplePlugin.AddConstant", """{"fields": "image", "value": 2.5}"""), _problems);
        var byName = factory.Create<ITransform>(Spec("AddConstant", null, """{"fields": ["image", "label"], "value": -1}"""), _problems);
        Assert.That(_problems.Items, Is.Empty, string.Join("\n", _problems.Items));
        Assert.That(byPath!.GetType().FullName, Is.EqualTo("SamplePlugin.AddConstant"));
        Assert.That(byName!.IsDeterministic, Is.True);

        using var context = new TransformContext(new SampleInfo(0, "synthetic"));
        context.Set("image", new MedicalImage(torch.arange(8, torch.float32).reshape(1, 2, 2, 2), AffineMatrix.Identity));
        context.Set("label", new MedicalImage(torch.ones(1, 2, 2, 2), AffineMatrix.Identity));
        byPath.Apply(context);
        byName.Apply(context);

        var image = context.GetImage("image", "test").Data.reshape(-1).data<float>().ToArray();
        var label = context.GetImage("label", "test").Data.reshape(-1).data<float>().ToArray();
        Assert.That(image, Is.EqualTo(new[] { 1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f, 8.5f }));
        Assert.That(label, Is.All.EqualTo(0f));
    }

    [Test]
    public void PluginConstructorValidationIsReportedAtTheArg()
    {
        InstallSamplePlugin();
        using var services = PipelineServices.Build([], PluginCatalog.LoadForMmar(_mmar.FullName, [], _problems));
        var created = services.GetRequiredService<ComponentFactory>()
            .Create(Spec("AddConstant", null, """{"fields": "image", "value": "NaN"}"""), _problems);
        Assert.That(created, Is.Null);
        var problem = _problems.Items.Single();
        Assert.That(problem.JsonPath, Is.EqualTo("train.pre_transforms[2].args.value"));
        Assert.That(problem.Message, Does.Contain("finite"));
    }

    [Test]
    public void AFileIsLoadedOncePerProcess()
    {
        InstallSamplePlugin();
        var first = PluginCatalog.LoadForMmar(_mmar.FullName, [], _problems);
        var second = PluginCatalog.Load([_pluginDir], _problems);
        Assert.That(second.Single(), Is.SameAs(first.Single()));
    }

    [Test]
    public void ABrokenPluginFileIsAProblemNotACrash()
    {
        InstallSamplePlugin();
        var broken = Path.Combine(_pluginDir, "Broken.dll");
        File.WriteAllText(broken, "this is not a PE image");

        var plugins = PluginCatalog.LoadForMmar(_mmar.FullName, [], _problems);

        Assert.That(plugins.Select(a => a.GetName().Name), Is.EqualTo(new[] { "SamplePlugin" }));
        var problem = _problems.Items.Single();
        Assert.That(problem.File, Is.EqualTo(broken));
        Assert.That(problem.IsWarning, Is.False);
        Assert.That(problem.Message, Does.StartWith("plugin could not be loaded: not a .NET assembly"));
    }

    [Test]
    public void APluginWithAMissingDependencyIsAProblemNotACrash()
    {
        var needy = Path.Combine(_pluginDir, "NeedyPlugin.dll");
        EmitPluginDependingOnSamplePlugin(needy);

        var plugins = PluginCatalog.Load([_pluginDir], _problems);

        Assert.That(plugins, Is.Empty);
        var problem = _problems.Items.Single();
        Assert.That(problem.File, Is.EqualTo(needy));
        Assert.That(problem.Message, Does.Contain("NeedyPlugin.Needy").And.Contain("SamplePlugin"));
    }

    [Test]
    public void AHostAssemblyInThePluginFolderIsSkippedWithAWarning()
    {
        File.Copy(typeof(ComponentKind).Assembly.Location, Path.Combine(_pluginDir, "Pipeline.Abstractions.dll"));
        var plugins = PluginCatalog.Load([_pluginDir], _problems);
        Assert.That(plugins, Is.Empty);
        Assert.That(_problems.Items.Single().IsWarning, Is.True);
        Assert.That(_problems.Items.Single().Message, Does.Contain("part of the host"));
    }

    [Test]
    public void AMissingExtraPluginFolderIsAnError()
    {
        var missing = Path.Combine(_mmar.FullName, "no-such-folder");
        PluginCatalog.LoadForMmar(_mmar.FullName, [missing], _problems);
        Assert.That(_problems.Items.Single().File, Is.EqualTo(missing));
        Assert.That(_problems.HasErrors, Is.True);
    }

    [Test]
    public void AnMmarWithoutPluginsFolderLoadsNothing()
    {
        Directory.Delete(_pluginDir);
        Assert.That(PluginCatalog.LoadForMmar(_mmar.FullName, [], _problems), Is.Empty);
        Assert.That(_problems.Items, Is.Empty);
    }

    /// <summary>Writes a plugin whose component's constructor takes a SamplePlugin type, without SamplePlugin.dll beside it.</summary>
    private static void EmitPluginDependingOnSamplePlugin(string path)
    {
        var sampleContext = new AssemblyLoadContext("emit-reference", isCollectible: true);
        try
        {
            var dependency = sampleContext.LoadFromAssemblyPath(BuiltSamplePlugin).GetType("SamplePlugin.AddConstant", throwOnError: true)!;
            var assembly = new PersistedAssemblyBuilder(new AssemblyName("NeedyPlugin"), typeof(object).Assembly);
            var module = assembly.DefineDynamicModule("NeedyPlugin");
            var type = module.DefineType("NeedyPlugin.Needy", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Class, typeof(object));
            var attribute = typeof(ComponentAttribute).GetConstructor([typeof(ComponentKind), typeof(string), typeof(string[])])!;
            type.SetCustomAttribute(new CustomAttributeBuilder(attribute, [ComponentKind.Transform, "Needy", Array.Empty<string>()]));
            var constructor = type.DefineConstructor(MethodAttributes.Public, CallingConventions.Standard, [dependency]);
            var il = constructor.GetILGenerator();
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Call, typeof(object).GetConstructor(Type.EmptyTypes)!);
            il.Emit(OpCodes.Ret);
            type.CreateType();
            assembly.Save(path);
        }
        finally
        {
            sampleContext.Unload();
        }
    }
}
