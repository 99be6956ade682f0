namespace Pipeline.Transforms.Labels;

/// <summary>Keeps only the largest connected component of a binary mask, in place, using union–find over runs of foreground voxels.</summary>
/// <remarks>
/// <para>
/// Each row (the fastest axis) is cut into maximal runs of non-zero bytes with vectorised span searches; a run joins the
/// runs of the already-visited neighbouring rows it touches. Two runs [s1, e1) and [s2, e2) of neighbouring rows touch
/// when they share a column, or, where the connectivity includes diagonal steps along the row, when they come within one
/// column: <c>s1 &lt; e2 + d</c> and <c>s2 &lt; e1 + d</c> with d = 0 or 1. Work is proportional to the number of runs, not voxels.
/// </para>
/// <para>
/// Union–find always links the later root under the earlier one, so a component's root is its first run in raster (C)
/// order. Among equally large components the one whose first voxel comes first in C order is kept — the component
/// <c>numpy.argmax(numpy.bincount(scipy.ndimage.label(mask)[0])[1:])</c> picks, since scipy numbers components in
/// order of first appearance.
/// </para>
/// </remarks>
public static class LargestConnectedComponent
{
    /// <summary>
    /// Clears every non-zero byte of <paramref name="mask"/> (C order, <paramref name="shape"/> of 2 or 3 axes) outside its largest
    /// connected component, and returns that component's voxel count (0 for an empty mask).
    /// </summary>
    /// <exception cref="ArgumentException">The shape does not match the mask, or the connectivity does not suit the number of axes.</exception>
    public static long Keep(Span<byte> mask, ReadOnlySpan<long> shape, Connectivity connectivity)
    {
        var (planes, rowsPerPlane, rowLength) = Layout(mask, shape, connectivity);
        var runs = RunTable.Find(mask, planes * rowsPerPlane, rowLength);
        if (runs.Count == 0) return 0;

        var parent = new int[runs.Count];
        for (var r = 0; r < parent.Length; r++) parent[r] = r;
        var neighbours = NeighbourRows(connectivity);
        for (var plane = 0; plane < planes; plane++)
        for (var row = 0; row < rowsPerPlane; row++)
        {
            var current = plane * rowsPerPlane + row;
            if (runs.IsEmpty(current)) continue;
            foreach (var (dPlane, dRow, reach) in neighbours)
            {
                int p = plane + dPlane, q = row + dRow;
                if (p < 0 || q < 0 || q >= rowsPerPlane) continue;
                JoinTouchingRuns(runs, parent, current, p * rowsPerPlane + q, reach);
            }
        }

        var sizes = new long[runs.Count];
        for (var r = 0; r < runs.Count; r++) sizes[Find(parent, r)] += runs.End[r] - runs.Start[r];
        var best = 0;
        for (var r = 1; r < sizes.Length; r++)
            if (sizes[r] > sizes[best]) best = r; // strict: ties keep the earlier root

        for (var r = 0; r < runs.Count; r++)
            if (Find(parent, r) != best)
                mask.Slice(runs.Offset(r), runs.End[r] - runs.Start[r]).Clear();
        return sizes[best];
    }

    /// <summary>The connectivity scipy's full structuring element gives for <paramref name="spatialRank"/> axes (8 in 2D, 26 in 3D).</summary>
    public static Connectivity Full(int spatialRank) => spatialRank == 2 ? Connectivity.Full2D : Connectivity.Full3D;

    /// <summary>True when <paramref name="connectivity"/> is defined for <paramref name="spatialRank"/> axes.</summary>
    public static bool Suits(Connectivity connectivity, int spatialRank) => spatialRank switch
    {
        2 => connectivity is Connectivity.Edge2D or Connectivity.Full2D,
        3 => connectivity is Connectivity.Face3D or Connectivity.Edge3D or Connectivity.Full3D,
        _ => false,
    };

    private static (int Planes, int RowsPerPlane, int RowLength) Layout(Span<byte> mask, ReadOnlySpan<long> shape, Connectivity connectivity)
    {
        if (!Suits(connectivity, shape.Length))
            throw new ArgumentException($"connectivity {(int)connectivity} does not suit a {shape.Length}-axis mask", nameof(connectivity));
        long count = 1;
        foreach (var s in shape)
        {
            if (s < 0) throw new ArgumentException("sizes must not be negative", nameof(shape));
            count *= s;
        }
        if (count != mask.Length) throw new ArgumentException($"the shape holds {count} voxels, the mask {mask.Length}", nameof(shape));
        // A 2D mask is one plane of rows.
        return shape.Length == 2 ? (1, (int)shape[0], (int)shape[1]) : ((int)shape[0], (int)shape[1], (int)shape[2]);
    }

    /// <summary>Rows visited before the current one that can hold neighbours: (plane offset, row offset, column reach).</summary>
    private static (int DPlane, int DRow, int Reach)[] NeighbourRows(Connectivity connectivity) => connectivity switch
    {
        Connectivity.Edge2D => [(0, -1, 0)],
        Connectivity.Full2D => [(0, -1, 1)],
        Connectivity.Face3D => [(0, -1, 0), (-1, 0, 0)],
        // At most two of the three offsets may be non-zero: a diagonal row step allows no column step.
        Connectivity.Edge3D => [(0, -1, 1), (-1, 0, 1), (-1, -1, 0), (-1, 1, 0)],
        Connectivity.Full3D => [(0, -1, 1), (-1, 0, 1), (-1, -1, 1), (-1, 1, 1)],
        _ => throw new ArgumentOutOfRangeException(nameof(connectivity)),
    };

    /// <summary>Unites each run of row <paramref name="a"/> with the runs of row <paramref name="b"/> it touches (a merge of two sorted run lists).</summary>
    private static void JoinTouchingRuns(RunTable runs, int[] parent, int a, int b, int reach)
    {
        int i = runs.First[a], iEnd = runs.First[a + 1];
        int j = runs.First[b], jEnd = runs.First[b + 1];
        while (i < iEnd && j < jEnd)
        {
            if (runs.End[i] + reach <= runs.Start[j]) { i++; continue; }
            if (runs.End[j] + reach <= runs.Start[i]) { j++; continue; }
            Union(parent, i, j);
            // The run ending first cannot touch the other row's next run.
            if (runs.End[i] < runs.End[j]) i++;
            else j++;
        }
    }

    private static int Find(int[] parent, int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    private static void Union(int[] parent, int x, int y)
    {
        x = Find(parent, x);
        y = Find(parent, y);
        if (x == y) return;
        if (x < y) parent[y] = x;
        else parent[x] = y;
    }

    /// <summary>Maximal runs of non-zero bytes, row by row in C order: run r covers columns [Start[r], End[r]) of row RowOf(r).</summary>
    private sealed class RunTable
    {
        private int[] _row = new int[1024];

        public int[] Start = new int[1024];
        public int[] End = new int[1024];

        /// <summary>Index of the first run of each row; First[rows] = Count.</summary>
        public int[] First = [];

        public int Count;
        private int _rowLength;

        public bool IsEmpty(int row) => First[row] == First[row + 1];

        /// <summary>Position in the mask of run <paramref name="r"/>'s first voxel.</summary>
        public int Offset(int r) => _row[r] * _rowLength + Start[r];

        public static RunTable Find(ReadOnlySpan<byte> mask, int rows, int rowLength)
        {
            var table = new RunTable { First = new int[rows + 1], _rowLength = rowLength };
            for (var row = 0; row < rows; row++)
            {
                table.First[row] = table.Count;
                var line = mask.Slice(row * rowLength, rowLength);
                var column = 0;
                while (column < rowLength)
                {
                    var start = line[column..].IndexOfAnyExcept((byte)0);
                    if (start < 0) break;
                    start += column;
                    var length = line[start..].IndexOf((byte)0);
                    var end = length < 0 ? rowLength : start + length;
                    table.Add(row, start, end);
                    column = end;
                }
            }
            table.First[rows] = table.Count;
            return table;
        }

        private void Add(int row, int start, int end)
        {
            if (Count == Start.Length)
            {
                var size = checked(Count * 2);
                Array.Resize(ref Start, size);
                Array.Resize(ref End, size);
                Array.Resize(ref _row, size);
            }
            Start[Count] = start;
            End[Count] = end;
            _row[Count] = row;
            Count++;
        }
    }
}
