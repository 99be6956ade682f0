using NUnit.Framework;
using Pipeline.Inferers;
using static TorchSharp.torch;

namespace Pipeline.Tests.Inferers;

/// <summary>SimpleInferer: one call on the whole input, padded at the end to a legal size and cropped back.</summary>
public sealed class SimpleInfererTests
{
    [Test]
    public void PadsToTheDivisorAtTheEndAndCropsBack()
    {
        using var network = InfererTestNetworks.TinySegResnet();
        using var scope = NewDisposeScope();
        manual_seed(5);
        var input = randn(new long[] { 1, 1, 13, 16, 9 });

        var output = new SimpleInferer().Infer(input, network);

        Assert.That(SimpleInferer.PaddedSize(network, [13, 16, 9]), Is.EqualTo(new[] { 16, 16, 16 }));
        Assert.That(output.shape, Is.EqualTo(new long[] { 1, 2, 13, 16, 9 }));
        using var noGrad = no_grad();
        var direct = network.call(nn.functional.pad(input, [0, 7, 0, 0, 0, 3])).narrow(2, 0, 13).narrow(4, 0, 9);
        Assert.That((output - direct).abs().max().item<float>(), Is.LessThanOrEqualTo(1e-6f));
    }

    [Test]
    public void FixedShapeNetworkIsPaddedToItsShapeAndRejectsLargerInputs()
    {
        using var network = InfererTestNetworks.TinySegResnet();
        network.RecordInputShape([16, 16, 24]);
        using var scope = NewDisposeScope();

        Assert.That(SimpleInferer.PaddedSize(network, [10, 16, 17]), Is.EqualTo(new[] { 16, 16, 24 }));
        Assert.That(new SimpleInferer().Infer(zeros(new long[] { 1, 1, 10, 16, 17 }), network).shape, Is.EqualTo(new long[] { 1, 2, 10, 16, 17 }));
        Assert.That(() => new SimpleInferer().Infer(zeros(new long[] { 1, 1, 10, 32, 17 }), network),
            Throws.ArgumentException.With.Message.Contain("fixed input shape [16, 16, 24]"));
    }

    [Test]
    public void NetworkWithoutContractGetsTheInputAsIs()
    {
        using var network = new WindowCumsumNetwork();
        using var scope = NewDisposeScope();
        var input = rand(new long[] { 1, 2, 7, 5 });

        var output = new SimpleInferer().Infer(input, network);

        using var noGrad = no_grad();
        Assert.That(output.equal(network.call(input)).all().item<bool>(), Is.True);
    }

    [Test]
    public void Bf16IsCloseToFp32()
    {
        using var network = InfererTestNetworks.FrozenTinySegResnet();
        using var scope = NewDisposeScope();
        manual_seed(6);
        var input = randn(new long[] { 1, 1, 16, 8, 16 });

        var fp32 = new SimpleInferer().Infer(input, network);
        var bf16 = new SimpleInferer("bf16").Infer(input, network);

        Assert.That(bf16.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That((bf16 - fp32).abs().max().item<float>(), Is.LessThanOrEqualTo(0.05f));
        Assert.That(network.parameters().First().dtype, Is.EqualTo(ScalarType.Float32));
    }
}
