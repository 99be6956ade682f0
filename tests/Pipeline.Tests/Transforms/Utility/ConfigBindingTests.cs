using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Configuration;
using Pipeline.Configuration.Registry;
using Pipeline.Transforms.Labels;
using Pipeline.Transforms.Utility;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Transforms.Utility;

/// <summary>The label and utility transforms bind from Clara config JSON, and bad args are reported at their JSON path.</summary>
public sealed class ConfigBindingTests
{
    private static readonly Type[] Types =
    [
        typeof(ArgmaxAcrossChannels), typeof(ThresholdValues), typeof(SplitBasedOnLabel), typeof(SplitAcrossChannels),
        typeof(ConvertToMultiChannelBasedOnBratsClasses), typeof(SplitBasedOnBratsClasses), typeof(ConvertToMultiChannelBasedOnLabel),
        typeof(KeepLargestCC), typeof(CopyProperties), typeof(SaveAsNifti),
    ];

    private static (object? Component, ConfigProblems Problems) Create(string name, string args, Action<IServiceCollection>? configure = null) =>
        ConfigBinding.Create(Types, name, args, "config_validation.json", "post_transforms[0]", configure);

    // Args exactly as Clara 3.x configs wrote them (GettingStarted config_validation.json, BraTS MMAR, BYOC notebook).
    [TestCase("ArgmaxAcrossChannels", """{"fields": "model"}""")]
    [TestCase("SplitBasedOnLabel", """{"field": "model", "label_names": ["pred_class0", "pred_class1", "pred_class2"]}""")]
    [TestCase("CopyProperties", """{"fields": ["pred_class0", "model"], "from_field": "image", "properties": ["affine"]}""")]
    [TestCase("ThresholdValues", """{"fields": "model", "threshold": 0.5}""")]
    [TestCase("SplitAcrossChannels", """{"field": "model", "channel_names": ["TC", "WT", "ET"]}""")]
    [TestCase("ConvertToMultiChannelBasedOnBratsClasses", """{"fields": ["label"]}""")]
    [TestCase("SaveAsNifti", """{"fields": ["image", "label"], "out_dir": "/tmp/_debugPatches", "interrupt": false}""")]
    [TestCase("KeepLargestCC", """{"fields": "model", "connectivity": 6}""")]
    [TestCase("ConvertToMultiChannelBasedOnLabel", """{"fields": "label", "num_classes": 3}""")]
    [TestCase("SplitBasedOnBratsClasses", """{"field": "label"}""")]
    public void ClaraArgsBind(string name, string args)
    {
        var (component, problems) = Create(name, args);
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => p.Message)));
        Assert.That(component, Is.InstanceOf<ITransform>().And.InstanceOf<IDeclaresFields>());
    }

    [TestCase("KeepLargestCC", """{"fields": "model", "connectivity": 5}""", "post_transforms[0].args.connectivity")]
    [TestCase("ThresholdValues", """{"fields": "model", "threshold": "NaN"}""", "post_transforms[0].args.threshold")]
    [TestCase("ArgmaxAcrossChannels", """{"fields": []}""", "post_transforms[0].args.fields")]
    public void BadArgsAreReportedAtTheirPath(string name, string args, string path)
    {
        var (component, problems) = Create(name, args);
        Assert.That(component, Is.Null);
        Assert.That(problems.Items.Select(p => p.JsonPath), Does.Contain(path), string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
    }

    [Test]
    public void SaveAsNiftiTakesItsWarningWriterFromTheHost()
    {
        var dir = Directory.CreateTempSubdirectory("save-as-nifti-binding-").FullName;
        try
        {
            using var writer = new StringWriter();
            var args = new JsonObject { ["fields"] = "image", ["out_dir"] = dir, ["interrupt"] = true };
            var (component, problems) = Create("SaveAsNifti", args.ToJsonString(), s => s.AddSingleton<TextWriter>(writer));
            Assert.That(problems.Items, Is.Empty);
            Assert.That(ComponentDescriptor.FromType(typeof(SaveAsNifti), ComponentSource.BuiltIn).Args.Select(a => a.Name),
                Is.EqualTo(new[] { "fields", "out_dir", "interrupt" }), "the writer is a service, not an arg");

            using var context = Labels.LabelTestData.Context(("image", Labels.LabelTestData.Image([1f], [1, 1, 1])));
            ((ITransform)component!).Apply(context);
            Assert.That(writer.ToString(), Does.Contain("interrupt"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
