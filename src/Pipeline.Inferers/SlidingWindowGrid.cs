namespace Pipeline.Inferers;

/// <summary>Where MONAI's <c>sliding_window_inference</c> places its windows: ROI fall-back, padded size, scan interval and start positions.</summary>
public static class SlidingWindowGrid
{
    /// <summary>The window size per axis: a positive <paramref name="roiSize"/> entry, or the whole axis for entries ≤ 0.</summary>
    public static int[] EffectiveRoi(IReadOnlyList<int> imageSize, IReadOnlyList<int> roiSize)
    {
        ArgumentNullException.ThrowIfNull(imageSize);
        ArgumentNullException.ThrowIfNull(roiSize);
        if (imageSize.Count != roiSize.Count)
            throw new ArgumentException($"roi_size has {roiSize.Count} entries but the image has {imageSize.Count} spatial axes", nameof(roiSize));
        return imageSize.Select((s, d) => roiSize[d] > 0 ? roiSize[d] : s).ToArray();
    }

    /// <summary>The image size after padding up to the window: max(image, roi) per axis.</summary>
    public static int[] PaddedSize(IReadOnlyList<int> imageSize, IReadOnlyList<int> roi) =>
        imageSize.Select((s, d) => Math.Max(s, roi[d])).ToArray();

    /// <summary>MONAI's scan interval: the whole window when it spans the axis, else trunc(roi·(1 − overlap)), at least 1.</summary>
    public static int ScanInterval(int paddedSize, int roi, double overlap)
    {
        if (roi == paddedSize) return roi;
        var interval = (int)(roi * (1 - overlap));
        return interval > 0 ? interval : 1;
    }

    /// <summary>Window starts along one padded axis; the last window is shifted back to end at the border.</summary>
    public static int[] Starts(int paddedSize, int roi, double overlap)
    {
        if (roi > paddedSize) throw new ArgumentException($"the window {roi} is larger than the padded axis {paddedSize}", nameof(roi));
        var step = ScanInterval(paddedSize, roi, overlap);
        var count = 1;
        while ((long)(count - 1) * step + roi < paddedSize) count++;
        var starts = new int[count];
        for (var i = 0; i < count; i++)
        {
            var start = i * step;
            starts[i] = start - Math.Max(start + roi - paddedSize, 0);
        }
        return starts;
    }

    /// <summary>
    /// Every window's start (in padded coordinates) for an image of <paramref name="imageSize"/>, first axis varying slowest
    /// as MONAI enumerates them; <paramref name="roiSize"/> entries ≤ 0 mean the whole axis.
    /// </summary>
    public static IReadOnlyList<int[]> WindowStarts(IReadOnlyList<int> imageSize, IReadOnlyList<int> roiSize, double overlap)
    {
        var roi = EffectiveRoi(imageSize, roiSize);
        var padded = PaddedSize(imageSize, roi);
        var perAxis = padded.Select((p, d) => Starts(p, roi[d], overlap)).ToArray();
        var windows = new List<int[]> { Array.Empty<int>() };
        foreach (var starts in perAxis)
            windows = windows.SelectMany(prefix => starts.Select(s => (int[])[.. prefix, s])).ToList();
        return windows;
    }
}
