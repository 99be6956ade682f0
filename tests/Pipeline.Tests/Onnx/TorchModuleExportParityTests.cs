using NUnit.Framework;
using Pipeline.Networks;
using static TorchSharp.torch;

namespace Pipeline.Tests.Onnx;

/// <summary>TorchSharp's own norm, pooling and activation layers exported to ONNX give their forward's output, in 2-D and 3-D.</summary>
public sealed class TorchModuleExportParityTests
{
    private string _dir = "";

    [SetUp]
    public void Create() => _dir = Directory.CreateTempSubdirectory("onnx-torch-modules-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void VolumeLayersMatchTheirForward()
    {
        manual_seed(19);
        // Pools keep the size (stride 1, padded), so the same-size runtime path applies; libtorch wants at least the kernel's size.
        using var network = nn.Sequential(
            nn.BatchNorm3d(3), nn.ELU(0.7), nn.MaxPool3d(3, stride: 1, padding: 1),
            nn.InstanceNorm3d(3, affine: true), nn.LeakyReLU(0.3), nn.AvgPool3d(3, stride: 1, padding: 1, count_include_pad: false),
            nn.InstanceNorm3d(3, affine: true, track_running_stats: true), nn.AvgPool3d(3, stride: 1, padding: 1), nn.Softmax(1));
        Check(network, 3, [[8, 6, 4], [5, 7, 9]]);
    }

    [Test]
    public void SliceLayersMatchTheirForward()
    {
        manual_seed(23);
        using var network = nn.Sequential(
            nn.BatchNorm2d(3, affine: false), nn.MaxPool2d(3, stride: 1, padding: 1), nn.InstanceNorm2d(3),
            nn.AvgPool2d(3, stride: 1, padding: 1, count_include_pad: false), nn.LeakyReLU(0.1), nn.Sigmoid());
        Check(network, 2, [[8, 6], [5, 11]]);
    }

    [Test]
    public void CeilModePoolingIsRefusedPlainly()
    {
        using var network = nn.Sequential(nn.MaxPool3d(2, ceil_mode: true));
        Assert.That(() => OnnxParity.Export(network, OnnxParity.Spec("pool", "linear"), InputContract.MultipleOf(3, 3, 2), _dir),
            Throws.TypeOf<Pipeline.Networks.Export.ExportNotSupportedException>().With.Message.Contain("ceil_mode"));
    }

    private void Check(nn.Module<Tensor, Tensor> network, int spatialDims, int[][] sizes)
    {
        OnnxParity.RandomizeNorms(network);
        var path = OnnxParity.Export(network, OnnxParity.Spec("layers", "linear"), InputContract.MultipleOf(3, spatialDims, 1) with { MinimumSize = [.. Enumerable.Repeat(3, spatialDims)] }, _dir);
        OnnxParity.AssertMatches(network, path, $"TorchSharp layers {spatialDims}-D", 3, sizes);
    }
}
