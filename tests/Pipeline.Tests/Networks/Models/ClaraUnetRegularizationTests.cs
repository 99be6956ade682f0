using NUnit.Framework;
using Pipeline.Networks.Models;
using Pipeline.Networks.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Models;

/// <summary>ClaraUnet's L2 kernel regulariser (Clara's <c>reg_weight</c>, TensorFlow's <c>l2_regularizer</c>).</summary>
public sealed class ClaraUnetRegularizationTests
{
    // nf_enc [2,3], nf_dec [4,5,6], in 1, classes 2: kernel elements 27·(1·2 + 2·3 + 3·4 + 6·5 + 6·6) + 6·2 = 2334
    // (decoder.0 sees 3; extra.0 sees 4 + nf_enc[0] = 6; extra.1 sees 5 + the 1-channel input = 6).
    private const int KernelElements = 2334;

    private static ClaraUnet Build(double regWeight) =>
        new(numClasses: 2, nfEnc: [2, 3], nfDec: [4, 5, 6], regWeight: regWeight);

    [Test]
    public void EqualsHalfTheWeightedSumOfSquaredKernelsInClosedForm()
    {
        const double regWeight = 1e-3;
        const float c = 0.25f;
        using var model = Build(regWeight);
        using (torch.no_grad())
            foreach (var p in model.parameters())
                p.fill_(c);

        using var scope = NewDisposeScope();
        var loss = model.RegularizationLoss();
        Assert.That(model.RegularizationWeight, Is.EqualTo(regWeight));
        Assert.That(loss.shape, Is.Empty);
        // Biases are filled too but must not count.
        Assert.That(loss.item<float>(), Is.EqualTo(regWeight * c * c * KernelElements / 2).Within(1e-4).Percent);
    }

    [Test]
    public void GradientIsRegWeightTimesTheKernelAndSparesBiases()
    {
        const double regWeight = 0.5;
        using var model = Build(regWeight);
        using var scope = NewDisposeScope();
        model.RegularizationLoss().backward();

        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("weight", StringComparison.Ordinal))
                Assert.That((p.grad! - regWeight * p).abs().max().item<float>(), Is.LessThan(1e-7f), name);
            else
                Assert.That(p.grad is null || p.grad.abs().max().item<float>() == 0, Is.True, name);
        }
    }

    [Test]
    public void MatchesTheReferenceSumOnTheFixtureWeights()
    {
        var fixture = new ClaraUnetFixture("groupnorm");
        using var model = fixture.BuildModel(regWeight: 1e-5);
        using (var weights = SafetensorsReader.Read(fixture.Files.WeightsPath))
            StateDictLoader.Load(model, weights.Tensors);
        using var scope = NewDisposeScope();
        // GroupNorm weights are random in the fixture, so counting them would break the match.
        Assert.That(model.RegularizationLoss().item<float>(), Is.EqualTo(1e-5 * fixture.HalfSumOfSquaredKernels).Within(1e-4).Percent);
    }

    [Test]
    public void ZeroWeightGivesZeroAndBFloat16ModelsSumInFloat32()
    {
        using var off = Build(0);
        using var model = Build(1e-2);
        using var scope = NewDisposeScope();
        Assert.That(off.RegularizationLoss().item<float>(), Is.EqualTo(0f));

        var fp32 = model.RegularizationLoss().item<float>();
        model.to(ScalarType.BFloat16);
        var bf16 = model.RegularizationLoss();
        Assert.That(bf16.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(bf16.item<float>(), Is.EqualTo(fp32).Within(1).Percent);
    }
}
