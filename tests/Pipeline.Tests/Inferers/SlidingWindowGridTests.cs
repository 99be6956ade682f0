using NUnit.Framework;
using Pipeline.Inferers;

namespace Pipeline.Tests.Inferers;

/// <summary>Window placement as MONAI's _get_scan_interval and dense_patch_slices compute it.</summary>
public sealed class SlidingWindowGridTests
{
    [Test]
    public void BratsSizedVolumeGetsEighteenWindows()
    {
        var windows = SlidingWindowGrid.WindowStarts([224, 224, 160], [96, 96, 96], 0.25);

        Assert.That(windows, Has.Count.EqualTo(18));
        Assert.That(SlidingWindowGrid.Starts(224, 96, 0.25), Is.EqualTo(new[] { 0, 72, 128 }));
        Assert.That(SlidingWindowGrid.Starts(160, 96, 0.25), Is.EqualTo(new[] { 0, 64 }));
        // First axis varies slowest, as MONAI enumerates windows.
        Assert.That(windows[0], Is.EqualTo(new[] { 0, 0, 0 }));
        Assert.That(windows[1], Is.EqualTo(new[] { 0, 0, 64 }));
        Assert.That(windows[2], Is.EqualTo(new[] { 0, 72, 0 }));
        Assert.That(windows[^1], Is.EqualTo(new[] { 128, 128, 64 }));
    }

    [TestCase(250, 96, 0.25, new[] { 0, 72, 144, 154 })]
    [TestCase(100, 96, 0.5, new[] { 0, 4 })]
    [TestCase(96, 96, 0.25, new[] { 0 })]
    [TestCase(200, 64, 0.0, new[] { 0, 64, 128, 136 })]
    [TestCase(10, 3, 0.9, new[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    public void StartsEndAtTheBorder(int size, int roi, double overlap, int[] expected) =>
        Assert.That(SlidingWindowGrid.Starts(size, roi, overlap), Is.EqualTo(expected));

    [Test]
    public void SmallAxesArePaddedAndNonPositiveRoiTakesTheAxis()
    {
        var roi = SlidingWindowGrid.EffectiveRoi([80, 50, 30], [96, -1, 0]);

        Assert.That(roi, Is.EqualTo(new[] { 96, 50, 30 }));
        Assert.That(SlidingWindowGrid.PaddedSize([80, 50, 30], roi), Is.EqualTo(new[] { 96, 50, 30 }));
        Assert.That(SlidingWindowGrid.WindowStarts([80, 50, 30], [96, -1, 0], 0.25), Has.Count.EqualTo(1));
    }

    [Test]
    public void RoiOfTheWrongLengthIsRejected() =>
        Assert.That(() => SlidingWindowGrid.EffectiveRoi([80, 50, 30], [96, 96]), Throws.ArgumentException.With.Message.Contain("roi_size"));
}
