using NUnit.Framework;
using Pipeline.Networks.Weights;
using Pipeline.Tests.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Checkpoints;

/// <summary>Importing PyTorch state dicts: wrapper prefixes, other precisions and BatchNorm counters are handled; real mismatches are not hidden.</summary>
public sealed class WeightImportTests
{
    [TestCase("module.")]
    [TestCase("model.module.")]
    [TestCase("")]
    public void WrapperPrefixesAreStripped(string prefix)
    {
        using var model = SegResnetFixture.BuildModel();
        using var file = SafetensorsReader.Read(SegResnetFixture.WeightsPath);
        var wrapped = file.Tensors.ToDictionary(p => prefix + p.Key, p => p.Value);

        var report = WeightImport.Apply(model, wrapped);

        Assert.That(report.StrippedPrefix, Is.EqualTo(prefix));
        Assert.That(report.Loaded, Is.EqualTo(file.Tensors.Count));
        Assert.That(model.state_dict()["convInit.conv.weight"].equal(file.Tensors["convInit.conv.weight"]).all().item<bool>(), Is.True);
    }

    [Test]
    public void HalfPrecisionExportsAreConvertedAndListed()
    {
        using var model = SegResnetFixture.BuildModel();
        using var file = SafetensorsReader.Read(SegResnetFixture.WeightsPath);
        using var scope = NewDisposeScope();
        var half = file.Tensors.ToDictionary(p => p.Key, p => p.Key == "convInit.conv.weight" ? p.Value.to(ScalarType.Float16) : p.Value);

        var report = WeightImport.Apply(model, half);

        Assert.That(report.Converted, Has.Count.EqualTo(1).And.Some.Contain("convInit.conv.weight"));
        Assert.That(model.state_dict()["convInit.conv.weight"].dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(model.state_dict()["convInit.conv.weight"].allclose(file.Tensors["convInit.conv.weight"], rtol: 1e-3, atol: 1e-3), Is.True);
    }

    [Test]
    public void BatchNormCountersTheNetworkLacksAreIgnored()
    {
        using var model = SegResnetFixture.BuildModel();
        using var file = SafetensorsReader.Read(SegResnetFixture.WeightsPath);
        using var counter = tensor(5L);
        var weights = new Dictionary<string, Tensor>(file.Tensors) { ["conv_final.0.num_batches_tracked"] = counter };

        var report = WeightImport.Apply(model, weights);

        Assert.That(report.Ignored, Is.EqualTo(new[] { "conv_final.0.num_batches_tracked" }));
    }

    [Test]
    public void AnUnknownNameIsStillAnError()
    {
        using var model = SegResnetFixture.BuildModel();
        using var file = SafetensorsReader.Read(SegResnetFixture.WeightsPath);
        using var extra = zeros(new long[] { 1 });
        var weights = new Dictionary<string, Tensor>(file.Tensors) { ["decoder.extra.weight"] = extra };

        var error = Assert.Throws<WeightMismatchException>(() => WeightImport.Apply(model, weights))!;
        Assert.That(error.Unexpected, Is.EqualTo(new[] { "decoder.extra.weight" }));
    }
}
