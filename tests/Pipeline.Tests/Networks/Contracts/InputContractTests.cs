using NUnit.Framework;
using Pipeline.Networks;
using Pipeline.Networks.Models;
using static TorchSharp.torch;

namespace Pipeline.Tests.Networks.Contracts;

/// <summary>The input contract accepts exactly the legal sizes, explains the rest, and survives a JSON round trip.</summary>
public sealed class InputContractTests
{
    private static readonly InputContract Cubic8 = InputContract.MultipleOf(inChannels: 1, spatialDims: 3, divisor: 8);

    [TestCase(new[] { 96, 96, 96 }, true)]
    [TestCase(new[] { 8, 16, 24 }, true)]
    [TestCase(new[] { 96, 96, 95 }, false)]
    [TestCase(new[] { 0, 96, 96 }, false)]
    public void MultipleOfRuleAcceptsOnlyMultiples(int[] size, bool legal)
    {
        Assert.That(Cubic8.ExplainSize(size) is null, Is.EqualTo(legal), Cubic8.ExplainSize(size));
    }

    [Test]
    public void AnIllegalSizeIsExplainedWithTheAxisTheDivisorAndALegalAlternative()
    {
        var why = Cubic8.ExplainSize([96, 100, 96]);
        Assert.That(why, Does.Contain("axis 1").And.Contain("multiple of 8").And.Contain("104"));
    }

    [Test]
    public void WrongRankIsRejected()
    {
        Assert.That(Cubic8.ExplainSize([96, 96]), Does.Contain("2 spatial sizes").And.Contain("3-D"));
    }

    [Test]
    public void MinimumSizeIsEnforced()
    {
        var contract = Cubic8 with { MinimumSize = [64, 8, 8] };
        Assert.That(contract.ExplainSize([32, 8, 8]), Does.Contain("at least 64"));
        Assert.That(contract.ExplainSize([64, 8, 8]), Is.Null);
    }

    [Test]
    public void AFixedShapeAcceptsOnlyThatShape()
    {
        var contract = Cubic8.WithFixedShape([96, 96, 64]);
        Assert.That(contract.ExplainSize([96, 96, 64]), Is.Null);
        Assert.That(contract.ExplainSize([96, 96, 96]), Does.Contain("trained for").And.Contain("96, 96, 64"));
        Assert.Throws<ArgumentException>(() => Cubic8.WithFixedShape([96, 96, 63]));
    }

    [Test]
    public void ValidPaddingRuleFollowsTheUNetPaperSizes()
    {
        var contract = new InputContract { InChannels = 1, SpatialDims = 2, Divisors = [1, 1], ValidPaddingLevels = 5 };
        Assert.That(contract.ExplainSize([572, 572]), Is.Null);
        Assert.That(contract.ExplainSize([570, 572]), Does.Contain("556").And.Contain("572"));
    }

    [Test]
    public void JsonRoundTripKeepsEveryField()
    {
        var contract = new InputContract
        {
            InChannels = 4, SpatialDims = 3, Divisors = [128, 128, 32], MinimumSize = [128, 128, 64],
            SupportsDynamicShape = false, FixedShape = [128, 128, 64], ValidPaddingLevels = 0,
        };
        var json = contract.ToJson();
        Assert.That(json, Does.Contain("\"in_channels\":4").And.Contain("\"supports_dynamic_shape\":false"));
        Assert.That(InputContract.FromJson(json), Is.EqualTo(contract));
        Assert.That(InputContract.FromJson(Cubic8.ToJson()), Is.EqualTo(Cubic8));
    }

    [Test]
    public void CheckInputNamesTheNetworkAndTheShape()
    {
        using var x = zeros(new long[] { 1, 2, 8, 8, 8 });
        var error = Assert.Throws<ArgumentException>(() => Cubic8.CheckInput(x, "MyNet"))!;
        Assert.That(error.Message, Does.Contain("MyNet").And.Contain("in_channels 1").And.Contain("2 channels"));
    }

    [Test]
    public void SegResnetRecordsItsTrainingShapeAndThenRejectsOthers()
    {
        using var model = new SegResnet(numClasses: 2, initFilters: 2, groupNormGroups: 2);
        Assert.That(model.InputContract.SupportsDynamicShape, Is.False);
        Assert.That(model.InputContract.Divisors, Is.EqualTo(new[] { 8, 8, 8 }));
        model.RecordInputShape([16, 16, 8]);
        Assert.That(model.InputContract.FixedShape, Is.EqualTo(new[] { 16, 16, 8 }));
        model.eval();
        using var noGrad = no_grad();
        using var ok = model.call(zeros(new long[] { 1, 1, 16, 16, 8 }));
        var error = Assert.Throws<ArgumentException>(() => model.call(zeros(new long[] { 1, 1, 16, 16, 16 })))!;
        Assert.That(error.Message, Does.Contain("fixed input shape").And.Contain("16, 16, 8").And.Contain("roi_size"));
    }

    [Test]
    public void UNetContractsMatchTheirDivisors()
    {
        using var unet3d = new UNet3D(filters: [4, 8, 8]);
        Assert.That(unet3d.InputContract.Divisors, Is.EqualTo(new[] { 4, 4, 4 }));
        Assert.That(unet3d.InputContract.SupportsDynamicShape, Is.True);
        using var valid = new UNet2D(features: [4, 8, 16], padding: "valid");
        Assert.That(valid.InputContract.ValidPaddingLevels, Is.EqualTo(3));
        Assert.That(valid.InputContract.ExplainSize([60, 60]) is null, Is.EqualTo(UNet2D.TryGetValidOutputSize(60, 3, out _)));
    }
}
