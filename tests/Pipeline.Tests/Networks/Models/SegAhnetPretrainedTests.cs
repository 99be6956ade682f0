using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Networks.Models;
using Pipeline.Networks.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>The ResNet-50 → SegAhnet encoder transfer (pretrain_weight_name), checked on a formula-made fake torchvision state dict.</summary>
public sealed class SegAhnetPretrainedTests
{
    private static readonly int[] Small = [1, 1, 1, 1];
    private string _folder = "";

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "segahnet-pretrained-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void ResNetWeightsLandWhereMonaisCopyFromPutsThem()
    {
        var path = WriteFakeResNet(blocksPerLayer: 1, drop: null);
        using var model = new SegAhnet(numClasses: 2, inChannels: 2, layers: Small, pretrainWeightName: path);
        using var scope = NewDisposeScope();
        using var resnet = SafetensorsReader.Read(path);
        var r = resnet.Tensors;
        var m = model.state_dict();

        // conv1: 64×3×7×7 → 64×1×7×7×3 (RGB becomes the through-plane axis), repeated over both input channels.
        var conv1 = m["conv1.weight"];
        Assert.That(conv1.shape, Is.EqualTo(new long[] { 64, 2, 7, 7, 3 }));
        foreach (var (o, h, w, rgb) in new[] { (0, 0, 0, 0), (5, 3, 6, 2), (63, 6, 1, 1) })
            for (var c = 0; c < 2; c++)
                Assert.That(conv1[o, c, h, w, rgb].item<float>(), Is.EqualTo(r["conv1.weight"][o, rgb, h, w].item<float>()));

        Assert.That(m["bn0.weight"].equal(r["bn1.weight"]).all().item<bool>(), Is.True);
        Assert.That(m["bn0.bias"].equal(r["bn1.bias"]).all().item<bool>(), Is.True);
        // 3×3 → 3×3×1 and 1×1 → 1×1×1.
        Assert.That(m["layer3.0.conv2.weight"].equal(r["layer3.0.conv2.weight"].unsqueeze(4)).all().item<bool>(), Is.True);
        Assert.That(m["layer1.0.conv3.weight"].equal(r["layer1.0.conv3.weight"].unsqueeze(4)).all().item<bool>(), Is.True);
        Assert.That(m["layer2.0.downsample.0.weight"].equal(r["layer2.0.downsample.0.weight"].unsqueeze(4)).all().item<bool>(), Is.True);
        // AHNet's shortcut norm sits after a max-pool, at index 2 instead of torchvision's 1.
        Assert.That(m["layer4.0.downsample.2.weight"].equal(r["layer4.0.downsample.1.weight"]).all().item<bool>(), Is.True);
        Assert.That(m["layer4.0.bn3.bias"].equal(r["layer4.0.bn3.bias"]).all().item<bool>(), Is.True);
        // Running statistics are not transferred.
        Assert.That(m["layer1.0.bn1.running_mean"].abs().max().item<float>(), Is.EqualTo(0f));
        Assert.That(m["bn0.running_var"].data<float>().ToArray(), Is.All.EqualTo(1f));
    }

    [Test]
    public void MappingCoversEveryEncoderConvAndNormOfTheDefaultLayers()
    {
        using var model = new SegAhnet(numClasses: 2);
        var pairs = ResNet50Pretrained.Mapping(model.state_dict().Keys);
        // conv1 + bn0 (2) + per block 3 convs and 3 norms (9 entries) + 4 shortcuts (3 entries each).
        Assert.That(pairs, Has.Count.EqualTo(1 + 2 + (3 + 4 + 6 + 3) * 9 + 4 * 3));
        Assert.That(pairs, Does.Contain(("layer3.5.bn2.bias", "layer3.5.bn2.bias")).And.Contain(("layer2.0.downsample.2.bias", "layer2.0.downsample.1.bias"))
            .And.Contain(("bn0.weight", "bn1.weight")));
        Assert.That(pairs.Select(p => p.Target), Has.None.Contain("running").And.None.StartWith("dense").And.None.StartWith("up"));
    }

    [Test]
    public void MissingAndWronglyShapedKeysAreListed()
    {
        var path = WriteFakeResNet(blocksPerLayer: 1, drop: "layer2.0.conv2.weight", reshape: "layer1.0.bn1.weight");
        var error = Assert.Throws<ConfigArgException>(() => new SegAhnet(numClasses: 2, layers: Small, pretrainWeightName: path))!;
        Assert.That(error.Arg, Is.EqualTo("pretrain_weight_name"));
        Assert.That(error.Message, Does.Contain(path).And.Contain("layer2.0.conv2.weight").And.Contain("layer1.0.bn1.weight"));
    }

    [Test]
    public void MoreBlocksThanTheResNetHasAreReported()
    {
        var path = WriteFakeResNet(blocksPerLayer: 1, drop: null);
        var error = Assert.Throws<ConfigArgException>(() => new SegAhnet(numClasses: 2, layers: [2, 1, 1, 1], pretrainWeightName: path))!;
        Assert.That(error.Message, Does.Contain("layer1.1.conv1.weight"));
    }

    [Test]
    public void MissingOrUnreadableFileNamesThePath()
    {
        var missing = Path.Combine(_folder, "nope.safetensors");
        var error = Assert.Throws<ConfigArgException>(() => new SegAhnet(numClasses: 2, layers: Small, pretrainWeightName: missing))!;
        Assert.That(error.Arg, Is.EqualTo("pretrain_weight_name"));
        Assert.That(error.Message, Does.Contain(missing));

        var garbage = Path.Combine(_folder, "garbage.safetensors");
        File.WriteAllText(garbage, "not a safetensors file");
        var unreadable = Assert.Throws<ConfigArgException>(() => new SegAhnet(numClasses: 2, layers: Small, pretrainWeightName: garbage))!;
        Assert.That(unreadable.Message, Does.Contain(garbage));

        var keras = Assert.Throws<ConfigArgException>(() => new SegAhnet(numClasses: 2, layers: Small, pretrainWeightName: "/var/tmp/resnet50_weights_tf_dim_ordering_tf_kernels.h5"))!;
        Assert.That(keras.Message, Does.Contain(".h5").And.Contain("safetensors"));
        Assert.That(Assert.Throws<ConfigArgException>(() => new SegAhnet(numClasses: 2, nSpatialDim: 2, pretrainWeightName: garbage))!.Message, Does.Contain("3D"));
    }

    /// <summary>A torchvision ResNet-50 state dict (names and shapes) for the first <paramref name="blocksPerLayer"/> blocks of each layer, with formula values and an unused fc head.</summary>
    private string WriteFakeResNet(int blocksPerLayer, string? drop, string? reshape = null)
    {
        using var scope = NewDisposeScope();
        var shapes = new Dictionary<string, long[]>
        {
            ["conv1.weight"] = [64, 3, 7, 7],
            ["fc.weight"] = [1000, 2048],
            ["fc.bias"] = [1000],
        };
        void Norm(string prefix, long c)
        {
            foreach (var p in new[] { "weight", "bias", "running_mean", "running_var" }) shapes[$"{prefix}.{p}"] = [c];
        }
        Norm("bn1", 64);
        long inPlanes = 64;
        for (var layer = 1; layer <= 4; layer++)
        {
            long planes = 64L << (layer - 1);
            for (var b = 0; b < blocksPerLayer; b++)
            {
                var prefix = $"layer{layer}.{b}";
                shapes[$"{prefix}.conv1.weight"] = [planes, inPlanes, 1, 1];
                Norm($"{prefix}.bn1", planes);
                shapes[$"{prefix}.conv2.weight"] = [planes, planes, 3, 3];
                Norm($"{prefix}.bn2", planes);
                shapes[$"{prefix}.conv3.weight"] = [planes * 4, planes, 1, 1];
                Norm($"{prefix}.bn3", planes * 4);
                if (b == 0)
                {
                    shapes[$"{prefix}.downsample.0.weight"] = [planes * 4, inPlanes, 1, 1];
                    Norm($"{prefix}.downsample.1", planes * 4);
                }
                inPlanes = planes * 4;
            }
        }
        if (drop is not null) shapes.Remove(drop);
        if (reshape is not null) shapes[reshape] = [shapes[reshape][0] + 1];
        var tensors = shapes.ToDictionary(p => p.Key, p => tensor(SegAhnetFixture.FormulaValues(p.Key, p.Value), p.Value));
        var path = Path.Combine(_folder, "resnet50.safetensors");
        SafetensorsWriter.Write(path, tensors);
        return path;
    }
}
