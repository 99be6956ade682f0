using NUnit.Framework;
using Pipeline.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Tests.Native;

/// <summary>Each HeldScalars operation gives torch's own op bit for bit.</summary>
public sealed class HeldScalarsTests
{
    private static Tensor Floats() => randn([3, 4, 5], generator: new Generator(7));

    private static Tensor Ints() => randint(-3, 4, [3, 4, 5], dtype: ScalarType.Int64, generator: new Generator(8));

    private static void AssertSame(Tensor actual, Tensor expected, string what)
    {
        Assert.That(actual.dtype, Is.EqualTo(expected.dtype), what);
        Assert.That(actual.shape, Is.EqualTo(expected.shape), what);
        Assert.That(actual.equal(expected).all().item<bool>(), Is.True, what);
    }

    [Test]
    public void ArithmeticEqualsTorchsOwnOps()
    {
        using var scope = NewDisposeScope();
        var x = Floats();
        var y = randn([3, 4, 5], generator: new Generator(9));
        using var k = 0.37.ToScalar();
        using var minusK = (-0.37).ToScalar();
        using var one = 1.ToScalar();
        using var two = 2.ToScalar();

        AssertSame(x.Plus(y), x.add(y, one), "Plus(tensor)");
        AssertSame(x.Plus(0.37), x.add(k, one), "Plus(number)");
        AssertSame(x.Minus(0.37), x.sub(k), "Minus");
        AssertSame(x.SubtractedFrom(0.37), x.neg().add(k, one), "SubtractedFrom");
        AssertSame(x.Times(0.37), x.mul(k), "Times");
        AssertSame(x.DividedBy(0.37), x.div(k), "DividedBy");
        AssertSame(x.Squared(), x.pow(two), "Squared");
        AssertSame(x.Squared(), x * x, "Squared is x·x");
        AssertSame(x.abs().Power(0.37), x.abs().pow(k), "Power");
        AssertSame(x.Clamped(-0.37, 0.37), x.clamp(minusK, k), "Clamped");
        AssertSame(x.ClampedMin(0.37), x.clamp_min(k), "ClampedMin");
        AssertSame(x.clone().PlusInPlace(y), x.add(y, one), "PlusInPlace(tensor)");
        AssertSame(x.clone().PlusInPlace(0.37), x.add(k, one), "PlusInPlace(number)");
        AssertSame(x.clone().PlusInPlace(k), x.add(k, one), "PlusInPlace(scalar)");
        AssertSame(x.clone().MinusInPlace(0.37), x.sub(k), "MinusInPlace");
        AssertSame(x.clone().TimesInPlace(0.37), x.mul(k), "TimesInPlace");
        AssertSame(x.clone().DividedByInPlace(0.37), x.div(k), "DividedByInPlace");
        AssertSame(x.abs().PowerInPlace(0.37), x.abs().pow(k), "PowerInPlace");
        AssertSame(x.clone().ClampedInPlace(-0.37, 0.37), x.clamp(minusK, k), "ClampedInPlace");
        AssertSame(x.clone().ClampedMinInPlace(0.37), x.clamp_min(k), "ClampedMinInPlace");
    }

    [Test]
    public void ComparisonsFillsAndFactoriesEqualTorchsOwnOps()
    {
        using var scope = NewDisposeScope();
        var x = Floats();
        var labels = Ints();
        using var k = 0.37.ToScalar();
        using var two = 2L.ToScalar();
        using var three = 3L.ToScalar();
        var mask = x.gt(k);

        AssertSame(x.GreaterThan(0.37), x.gt(k), "GreaterThan");
        AssertSame(x.GreaterOrEqual(0.37), x.ge(k), "GreaterOrEqual");
        AssertSame(x.LessThan(0.37), x.lt(k), "LessThan");
        AssertSame(x.EqualTo(0.37), x.eq(k), "EqualTo(double)");
        AssertSame(x.NotEqualTo(0.37), x.ne(k), "NotEqualTo(double)");
        AssertSame(labels.EqualTo(2), labels.eq(two), "EqualTo(long)");
        AssertSame(labels.NotEqualTo(2), labels.ne(two), "NotEqualTo(long)");
        AssertSame(labels.GreaterThan(2), labels.gt(two), "GreaterThan(long)");
        AssertSame(x.MaskedFill(mask, 0.37), x.masked_fill(mask, k), "MaskedFill");
        AssertSame(x.clone().MaskedFillInPlace(mask, 0.37), x.masked_fill(mask, k), "MaskedFillInPlace");
        AssertSame(x.clone().FillInPlace(0.37), full([3, 4, 5], k), "FillInPlace(double)");
        AssertSame(labels.clone().FillInPlace(3), full([3, 4, 5], three, ScalarType.Int64), "FillInPlace(long) keeps integers");
        AssertSame(HeldScalars.Full([2, 3], 0.37, ScalarType.Float64), full([2, 3], k, ScalarType.Float64), "Full");
        AssertSame(HeldScalars.Range(5, ScalarType.Int64), tensor(new long[] { 0, 1, 2, 3, 4 }), "Range(count)");
        AssertSame(HeldScalars.Range(-1.5, 1.6, 0.5, ScalarType.Float32), tensor(new[] { -1.5f, -1f, -0.5f, 0f, 0.5f, 1f, 1.5f }), "Range(start, stop, step)");
    }
}
