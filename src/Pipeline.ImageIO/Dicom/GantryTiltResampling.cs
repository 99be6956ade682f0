namespace Pipeline.ImageIO.Dicom;

/// <summary>Undoes the shear of a gantry-tilted series: slice k is moved in its own plane by k times a constant shift, bilinearly.</summary>
internal static class GantryTiltResampling
{
    /// <summary>
    /// The volume ([columns, rows, slices] in C order) on the orthogonal grid: voxel (i, j, k) takes slice k's value at
    /// column i − k·<paramref name="columnShift"/>, row j − k·<paramref name="rowShift"/>; points outside the slice take the
    /// volume's minimum (air, for a CT).
    /// </summary>
    public static float[] Unshear(float[] values, int columns, int rows, int slices, double columnShift, double rowShift)
    {
        var fill = values.Length == 0 ? 0f : values.Min();
        var result = new float[values.Length];
        Parallel.For(0, slices, k =>
        {
            double ci = -k * columnShift, rj = -k * rowShift;
            for (var i = 0; i < columns; i++)
                for (var j = 0; j < rows; j++)
                    result[((long)i * rows + j) * slices + k] = Sample(i + ci, j + rj);

            float Sample(double x, double y)
            {
                var x0 = (int)Math.Floor(x);
                var y0 = (int)Math.Floor(y);
                double fx = x - x0, fy = y - y0;
                double total = 0, weight = 0;
                for (var dx = 0; dx <= 1; dx++)
                    for (var dy = 0; dy <= 1; dy++)
                    {
                        var w = (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy);
                        if (w < 1e-9) continue;
                        int xi = x0 + dx, yj = y0 + dy;
                        total += w * (xi < 0 || xi >= columns || yj < 0 || yj >= rows ? fill : values[((long)xi * rows + yj) * slices + k]);
                        weight += w;
                    }
                return (float)(total / weight);
            }
        });
        return result;
    }
}
