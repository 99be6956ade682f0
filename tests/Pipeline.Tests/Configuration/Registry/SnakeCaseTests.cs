using NUnit.Framework;
using Pipeline.Configuration.Registry;

namespace Pipeline.Tests.Configuration.Registry;

public sealed class SnakeCaseTests
{
    [TestCase("targetResolution", "target_resolution")]
    [TestCase("useGroupNormG", "use_group_norm_g")]
    [TestCase("aMin", "a_min")]
    [TestCase("roiSize", "roi_size")]
    [TestCase("fields", "fields")]
    [TestCase("NearestNeighbor", "nearest_neighbor")]
    [TestCase("roiHWSize", "roi_hw_size")]
    [TestCase("conv3dKernel", "conv3d_kernel")]
    [TestCase("already_snake", "already_snake")]
    public void ConvertsCSharpNamesToConfigNames(string csharp, string config) =>
        Assert.That(SnakeCase.From(csharp), Is.EqualTo(config));
}
