namespace Pipeline.Training.Metrics;

/// <summary>Surface voxels of binary masks and the Euclidean distances between two surfaces, in millimetres.</summary>
/// <remarks>
/// Surface = mask XOR binary-erosion(mask) with the face-connected structuring element and background outside the
/// volume, as MONAI's <c>get_mask_edges</c> (scipy's default <c>binary_erosion</c>). Distances are brute force over the
/// two surface point sets, O(|S₁|·|S₂|·dims): exact, and fast enough for validation crops of moderate size.
/// </remarks>
internal static class SurfaceDistances
{
    /// <summary>The coordinates of the surface voxels of <paramref name="mask"/> (row-major over <paramref name="shape"/>).</summary>
    public static List<int[]> Surface(bool[] mask, int[] shape)
    {
        var dims = shape.Length;
        var strides = new int[dims];
        strides[dims - 1] = 1;
        for (var d = dims - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
        var surface = new List<int[]>();
        var coord = new int[dims];
        for (var index = 0; index < mask.Length; index++)
        {
            var rest = index;
            for (var d = 0; d < dims; d++)
            {
                coord[d] = rest / strides[d];
                rest %= strides[d];
            }
            if (!mask[index]) continue;
            var interior = true;
            for (var d = 0; d < dims && interior; d++)
            {
                // A face neighbour outside the volume counts as background, so voxels on the border are surface.
                interior = coord[d] > 0 && coord[d] < shape[d] - 1 && mask[index - strides[d]] && mask[index + strides[d]];
            }
            if (!interior) surface.Add((int[])coord.Clone());
        }
        return surface;
    }

    /// <summary>For each point of <paramref name="from"/>, the distance in millimetres to the nearest point of <paramref name="to"/>.</summary>
    public static double[] Nearest(List<int[]> from, List<int[]> to, double[] spacing)
    {
        var result = new double[from.Count];
        for (var i = 0; i < from.Count; i++)
        {
            var best = double.PositiveInfinity;
            foreach (var q in to)
            {
                double sum = 0;
                for (var d = 0; d < spacing.Length; d++)
                {
                    var delta = (from[i][d] - q[d]) * spacing[d];
                    sum += delta * delta;
                }
                if (sum < best) best = sum;
            }
            result[i] = Math.Sqrt(best);
        }
        return result;
    }

    /// <summary>The <paramref name="percentile"/>-th quantile with linear interpolation (as <c>torch.quantile</c>).</summary>
    public static double Percentile(double[] values, double percentile)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var position = percentile / 100.0 * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }
}
