using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks.Models;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Networks.Models;

/// <summary>ClaraUnet bound from Clara config JSON (config name <c>Unet</c>) through the real registry and factory.</summary>
public sealed class ClaraUnetConfigBindingTests
{
    private static readonly Type[] Types = [typeof(ClaraUnet)];

    [Test]
    public void ClaraArgsBindFromStrings()
    {
        const string args = """
            {"num_classes": 2, "nf_enc": "32,64,64,64", "nf_dec": "64,64,64,64,64,32,32", "use_batch_norm": false,
             "use_group_norm": true, "use_group_normG": 8, "reg_weight": 1e-5, "dropout_prob": 0.1,
             "final_activation": "sigmoid", "data_format": "channels_first"}
            """;
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "Unet", args, "config_train.json", "train.model");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var model = (ClaraUnet)component!;
        Assert.That(model.NumClasses, Is.EqualTo(2));
        Assert.That(model.InChannels, Is.EqualTo(1));
        Assert.That(model.EncoderFilters, Is.EqualTo(new[] { 32, 64, 64, 64 }));
        Assert.That(model.DecoderFilters, Is.EqualTo(new[] { 64, 64, 64, 64, 64, 32, 32 }));
        Assert.That(model.RegularizationWeight, Is.EqualTo(1e-5));
        Assert.That(model.InputContract.Divisors, Is.EqualTo(new[] { 16, 16, 16 }));
        Assert.That(model.state_dict().Keys, Does.Contain("extra.3.norm.weight").And.Contain("decoder.2.conv.weight"));
    }

    [Test]
    public void MinimalClaraSpecUsesTheDefaults()
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "Unet", """{"num_classes": 3}""", "config_train.json", "train.model");
        Assert.That(problems.Items, Is.Empty, string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        using var model = (ClaraUnet)component!;
        Assert.That(model.EncoderFilters, Is.EqualTo(new[] { 32, 64, 64, 64 }));
        Assert.That(model.DecoderFilters, Is.EqualTo(new[] { 64, 64, 64, 64, 64, 32, 32 }));
        Assert.That(model.RegularizationWeight, Is.EqualTo(0));
    }

    [TestCase("""{"num_classes": 2, "nf_dec": "64,64,64,64"}""", "train.model.args.nf_dec", "at least 5")]
    [TestCase("""{"num_classes": 2, "use_batch_norm": true, "use_group_norm": true}""", "train.model.args.use_group_norm", "use_batch_norm")]
    [TestCase("""{"num_classes": 2, "use_group_norm": true, "use_group_normG": 3}""", "train.model.args.use_group_normG", "divisible")]
    [TestCase("""{"num_classes": 2, "data_format": "channels_last"}""", "train.model.args.data_format", "channels_first")]
    [TestCase("""{"num_classes": 2, "final_activation": "tanh"}""", "train.model.args.final_activation", "softmax")]
    public void BadArgsAreReportedAtTheirPath(string args, string path, string hint)
    {
        var (component, problems) = ConfigBinding.Create(ComponentKind.Model, Types, "Unet", args, "config_train.json", "train.model");
        Assert.That(component, Is.Null);
        Assert.That(problems.Items.Select(p => p.JsonPath), Does.Contain(path), string.Join("; ", problems.Items.Select(p => $"{p.JsonPath}: {p.Message}")));
        Assert.That(problems.Items.Select(p => p.Message), Has.Some.Contain(hint));
    }
}
