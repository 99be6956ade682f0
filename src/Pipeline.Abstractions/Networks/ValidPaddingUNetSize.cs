namespace Pipeline.Networks;

/// <summary>Size arithmetic of a U-Net with unpadded ("valid") 3-wide convolutions, two per level (the paper's 572 → 388).</summary>
public static class ValidPaddingUNetSize
{
    /// <summary>
    /// The output size for one spatial input size with <paramref name="levels"/> levels; false when the size is illegal:
    /// some conv output would be empty or some level's size would be odd before pooling.
    /// </summary>
    public static bool TryGetOutputSize(long inputSize, int levels, out int outputSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        outputSize = 0;
        var n = inputSize;
        for (var i = 0; i < levels - 1; i++)
        {
            n -= 4;
            // An odd size would make the pool drop a row that the up path cannot restore, breaking the skip alignment.
            if (n < 1 || n % 2 != 0) return false;
            n /= 2;
        }
        n -= 4;
        if (n < 1) return false;
        for (var i = 0; i < levels - 1; i++)
        {
            n = 2 * n - 4;
            if (n < 1) return false;
        }
        if (n > int.MaxValue) return false;
        outputSize = (int)n;
        return true;
    }

    /// <summary>The nearest legal input sizes below and above <paramref name="inputSize"/> (0 when there is none below).</summary>
    public static (int Below, int Above) NearestLegal(long inputSize, int levels)
    {
        int below = 0, above = 0;
        for (var s = inputSize - 1; s >= 1 && below == 0; s--)
            if (TryGetOutputSize(s, levels, out _)) below = (int)s;
        // Legal sizes are 2^(levels-1) apart and the smallest is below 2^(levels+3).
        for (var s = inputSize + 1; s <= inputSize + (1L << (levels + 3)) && above == 0; s++)
            if (TryGetOutputSize(s, levels, out _)) above = (int)s;
        return (below, above);
    }
}
