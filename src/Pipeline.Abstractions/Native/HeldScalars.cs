using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Native;

/// <summary>Tensor operations with plain numbers, each number held as a native scalar until libtorch has finished reading it.</summary>
/// <remarks>
/// TorchSharp 0.107 turns a number into a <see cref="Scalar"/> that nothing references once its handle is passed on, and its
/// alpha-less <c>add</c>/<c>add_</c> (hence <c>+</c> and <c>-</c>), <c>square</c>, <c>leaky_relu</c> and BatchNorm's counter
/// do the same with a hidden 1 or 2. The finaliser thread may free such a scalar while the native op still reads it, so a long
/// run failed now and then with libtorch's "Expected false to be true" from <c>Scalar::toFloat</c> (seen in Adam's step and in a
/// pre-transform). Here every scalar is a <c>using</c> local or a static that is never freed; <c>src/BannedSymbols.txt</c>
/// keeps the unsafe overloads out of the product.
/// </remarks>
public static class HeldScalars
{
    // Statics stay reachable for the whole process, so no finaliser ever frees them.
    private static readonly Scalar Zero = 0.ToScalar();
    private static readonly Scalar One = 1.ToScalar();
    private static readonly Scalar Two = 2.ToScalar();

    /// <summary>x + y.</summary>
    public static Tensor Plus(this Tensor x, Tensor y) => x.add(y, One);

    /// <summary>x += y, in place.</summary>
    public static Tensor PlusInPlace(this Tensor x, Tensor y) => x.add_(y, One);

    /// <summary>x + value.</summary>
    public static Tensor Plus(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.add(s, One);
    }

    /// <summary>x += value, in place.</summary>
    public static Tensor PlusInPlace(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.add_(s, One);
    }

    /// <summary>x += value, in place, for a scalar the caller holds.</summary>
    public static Tensor PlusInPlace(this Tensor x, Scalar value) => x.add_(value, One);

    /// <summary>x − value.</summary>
    public static Tensor Minus(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.sub(s);
    }

    /// <summary>x −= value, in place.</summary>
    public static Tensor MinusInPlace(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.sub_(s);
    }

    /// <summary>value − x.</summary>
    public static Tensor SubtractedFrom(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.neg().add(s, One);
    }

    /// <summary>x · value.</summary>
    public static Tensor Times(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.mul(s);
    }

    /// <summary>x ·= value, in place.</summary>
    public static Tensor TimesInPlace(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.mul_(s);
    }

    /// <summary>x / value.</summary>
    public static Tensor DividedBy(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.div(s);
    }

    /// <summary>x /= value, in place.</summary>
    public static Tensor DividedByInPlace(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.div_(s);
    }

    /// <summary>x², as torch's <c>square</c> (a power of 2).</summary>
    public static Tensor Squared(this Tensor x) => x.pow(Two);

    /// <summary>x to the power <paramref name="exponent"/>.</summary>
    public static Tensor Power(this Tensor x, double exponent)
    {
        using var s = exponent.ToScalar();
        return x.pow(s);
    }

    /// <summary>x to the power <paramref name="exponent"/>, in place.</summary>
    public static Tensor PowerInPlace(this Tensor x, double exponent)
    {
        using var s = exponent.ToScalar();
        return x.pow_(s);
    }

    /// <summary>x == value, elementwise.</summary>
    public static Tensor EqualTo(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.eq(s);
    }

    /// <summary>x == value, elementwise, against an integer (kept an integer scalar, so integer tensors compare as integers).</summary>
    public static Tensor EqualTo(this Tensor x, long value)
    {
        using var s = value.ToScalar();
        return x.eq(s);
    }

    /// <summary>x != value, elementwise.</summary>
    public static Tensor NotEqualTo(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.ne(s);
    }

    /// <summary>x != value, elementwise, against an integer (kept an integer scalar, so integer tensors compare as integers).</summary>
    public static Tensor NotEqualTo(this Tensor x, long value)
    {
        using var s = value.ToScalar();
        return x.ne(s);
    }

    /// <summary>x &gt; value, elementwise.</summary>
    public static Tensor GreaterThan(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.gt(s);
    }

    /// <summary>x &gt; value, elementwise, against an integer (kept an integer scalar, so integer tensors compare as integers).</summary>
    public static Tensor GreaterThan(this Tensor x, long value)
    {
        using var s = value.ToScalar();
        return x.gt(s);
    }

    /// <summary>x ≥ value, elementwise.</summary>
    public static Tensor GreaterOrEqual(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.ge(s);
    }

    /// <summary>x &lt; value, elementwise.</summary>
    public static Tensor LessThan(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.lt(s);
    }

    /// <summary>x limited to [min, max].</summary>
    public static Tensor Clamped(this Tensor x, double min, double max)
    {
        using var low = min.ToScalar();
        using var high = max.ToScalar();
        return x.clamp(low, high);
    }

    /// <summary>x limited to [min, max], in place.</summary>
    public static Tensor ClampedInPlace(this Tensor x, double min, double max)
    {
        using var low = min.ToScalar();
        using var high = max.ToScalar();
        return x.clamp_(low, high);
    }

    /// <summary>x limited to at least <paramref name="min"/>.</summary>
    public static Tensor ClampedMin(this Tensor x, double min)
    {
        using var low = min.ToScalar();
        return x.clamp_min(low);
    }

    /// <summary>x limited to at least <paramref name="min"/>, in place.</summary>
    public static Tensor ClampedMinInPlace(this Tensor x, double min)
    {
        using var low = min.ToScalar();
        return x.clamp_min_(low);
    }

    /// <summary>Every element of x set to <paramref name="value"/>, in place.</summary>
    public static Tensor FillInPlace(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.fill_(s);
    }

    /// <summary>Every element of x set to an integer <paramref name="value"/>, in place.</summary>
    public static Tensor FillInPlace(this Tensor x, long value)
    {
        using var s = value.ToScalar();
        return x.fill_(s);
    }

    /// <summary>x with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public static Tensor MaskedFill(this Tensor x, Tensor mask, double value)
    {
        using var s = value.ToScalar();
        return x.masked_fill(mask, s);
    }

    /// <summary>x with <paramref name="value"/> where <paramref name="mask"/> is true, in place.</summary>
    public static Tensor MaskedFillInPlace(this Tensor x, Tensor mask, double value)
    {
        using var s = value.ToScalar();
        return x.masked_fill_(mask, s);
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, double value, ScalarType dtype, Device? device = null)
    {
        using var s = value.ToScalar();
        return full(shape, s, dtype, device);
    }

    /// <summary>0, 1, …, <paramref name="count"/> − 1.</summary>
    public static Tensor Range(long count, ScalarType dtype, Device? device = null)
    {
        using var end = count.ToScalar();
        return arange(Zero, end, One, dtype, device);
    }

    /// <summary>start, start + step, … below <paramref name="stop"/>.</summary>
    public static Tensor Range(double start, double stop, double step, ScalarType dtype, Device? device = null)
    {
        using var first = start.ToScalar();
        using var end = stop.ToScalar();
        using var stride = step.ToScalar();
        return arange(first, end, stride, dtype, device);
    }
}
