namespace Pipeline.ImageIO.Dicom;

/// <summary>Undoes the shear of a gantry-tilted series: slice k is moved in its own plane by k times a constant shift, bilinearly, onto a grid wide enough to hold every slice (as dcm2niix's tilt correction does).</summary>
internal static class GantryTiltResampling
{
    /// <summary>The orthogonal grid's size and where it starts, in source pixels, relative to the first slice.</summary>
    /// <param name="Columns">Its columns.</param>
    /// <param name="Rows">Its rows.</param>
    /// <param name="ColumnOffset">Its first column, in the first slice's columns (0 or negative).</param>
    /// <param name="RowOffset">Its first row, in the first slice's rows (0 or negative).</param>
    public readonly record struct Grid(int Columns, int Rows, int ColumnOffset, int RowOffset);

    /// <summary>The grid that covers every slice of <paramref name="slices"/>, each shifted by k·(<paramref name="columnShift"/>, <paramref name="rowShift"/>) pixels.</summary>
    public static Grid Cover(int columns, int rows, int slices, double columnShift, double rowShift)
    {
        var (lowColumn, highColumn) = Span(columnShift * (slices - 1));
        var (lowRow, highRow) = Span(rowShift * (slices - 1));
        return new Grid(columns + highColumn - lowColumn, rows + highRow - lowRow, lowColumn, lowRow);

        // Whole pixels a total shift reaches below 0 and beyond the last pixel; a hair of rounding is not a pixel.
        static (int Low, int High) Span(double total) =>
            (total < 0 ? (int)Math.Floor(total + 1e-6) : 0, total > 0 ? (int)Math.Ceiling(total - 1e-6) : 0);
    }

    /// <summary>
    /// The volume ([columns, rows, slices] in C order) on <paramref name="grid"/>: voxel (i, j, k) takes slice k's value
    /// at column i + offset − k·<paramref name="columnShift"/>, row j + offset − k·<paramref name="rowShift"/>; points
    /// outside the slice take the volume's minimum (air, for a CT).
    /// </summary>
    public static float[] Unshear(float[] values, int columns, int rows, int slices, double columnShift, double rowShift, Grid grid)
    {
        var fill = values.Length == 0 ? 0f : values.Min();
        var result = new float[(long)grid.Columns * grid.Rows * slices];
        Parallel.For(0, slices, k =>
        {
            double ci = grid.ColumnOffset - k * columnShift, rj = grid.RowOffset - k * rowShift;
            for (var i = 0; i < grid.Columns; i++)
                for (var j = 0; j < grid.Rows; j++)
                    result[((long)i * grid.Rows + j) * slices + k] = Sample(i + ci, j + rj);

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
