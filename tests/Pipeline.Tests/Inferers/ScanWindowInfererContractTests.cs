using NUnit.Framework;
using Pipeline.Inferers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Inferers;

/// <summary>The window size is checked against the network's input contract before any window runs.</summary>
public sealed class ScanWindowInfererContractTests
{
    [Test]
    public void FixedShapeNetworkNeedsItsShapeAsRoi()
    {
        using var network = InfererTestNetworks.TinySegResnet();
        network.RecordInputShape([16, 16, 16]);
        using var input = zeros(new long[] { 1, 1, 40, 40, 40 });

        Assert.That(() => new ScanWindowInferer([32, 32, 32]).Infer(input, network),
            Throws.ArgumentException.With.Message.Contain("roi_size").And.Message.Contain("fixed input shape [16, 16, 16]"));
    }

    [Test]
    public void FixedShapeNetworkRunsWithItsShape()
    {
        using var network = InfererTestNetworks.TinySegResnet();
        network.RecordInputShape([16, 16, 16]);
        using var input = zeros(new long[] { 1, 1, 20, 16, 12 });

        using var output = new ScanWindowInferer([16, 16, 16]).Infer(input, network);

        Assert.That(output.shape, Is.EqualTo(new long[] { 1, 2, 20, 16, 12 }));
    }

    [Test]
    public void IllegalRoiIsReportedWithTheNetworksRule()
    {
        using var network = new MultipleOf16Network();
        using var input = zeros(new long[] { 1, 1, 40, 40, 40 });

        Assert.That(() => new ScanWindowInferer([24, 32, 32]).Infer(input, network),
            Throws.ArgumentException.With.Message.Contain("roi_size").And.Message.Contain("[24, 32, 32]").And.Message.Contain("multiple of 16"));
    }

    [Test]
    public void WholeAxisRoiIsCheckedAtItsEffectiveSize()
    {
        using var network = new MultipleOf16Network();
        using var input = zeros(new long[] { 1, 1, 40, 40, 40 });

        Assert.That(() => new ScanWindowInferer([32, 32, -1]).Infer(input, network),
            Throws.ArgumentException.With.Message.Contain("[32, 32, 40]"));
    }

    [Test]
    public void WrongInputChannelsAreReported()
    {
        using var network = new MultipleOf16Network();
        using var input = zeros(new long[] { 1, 2, 32, 32, 32 });

        Assert.That(() => new ScanWindowInferer([32, 32, 32]).Infer(input, network),
            Throws.ArgumentException.With.Message.Contain("in_channels 1"));
    }
}
