using System.Diagnostics;
using NUnit.Framework;
using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Transforms.Labels;
using static Pipeline.Tests.Transforms.Labels.LabelTestData;
using static TorchSharp.torch;

namespace Pipeline.Tests.Transforms.Labels;

/// <summary>KeepLargestCC on hand-made masks whose answer is known in closed form.</summary>
public sealed class KeepLargestCCTests
{
    /// <summary>Two voxels touching only at a corner: one component with full connectivity, two of size 1 with faces only (the first in C order wins the tie).</summary>
    [TestCase(null, new float[] { 1, 0, 0, 0, 0, 0, 0, 1 })]
    [TestCase(26, new float[] { 1, 0, 0, 0, 0, 0, 0, 1 })]
    [TestCase(18, new float[] { 1, 0, 0, 0, 0, 0, 0, 0 })]
    [TestCase(6, new float[] { 1, 0, 0, 0, 0, 0, 0, 0 })]
    public void CornerContactCountsOnlyWithFullConnectivity(int? connectivity, float[] expected)
    {
        using var context = Context(("label", Image([1, 0, 0, 0, 0, 0, 0, 1], [1, 2, 2, 2])));
        new KeepLargestCC(["label"], connectivity).Apply(context);
        Assert.That(Values(context, "label"), Is.EqualTo(expected));
    }

    /// <summary>Voxels (0,0,0) and (0,1,1) share an edge: connected with 18 and 26, not with 6.</summary>
    [TestCase(26, 2)]
    [TestCase(18, 2)]
    [TestCase(6, 1)]
    public void EdgeContactCountsWith18And26(int connectivity, int kept)
    {
        using var context = Context(("label", Image([1, 0, 0, 1, 0, 0, 0, 0], [1, 2, 2, 2])));
        new KeepLargestCC(["label"], connectivity).Apply(context);
        Assert.That(Values(context, "label").Sum(), Is.EqualTo(kept));
    }

    /// <summary>A diagonal chain of three pixels: one component with 8-connectivity, three single pixels with 4 (the first wins the tie).</summary>
    [TestCase(8, new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 })]
    [TestCase(4, new float[] { 1, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void DiagonalContactIn2DCountsOnlyWith8Connectivity(int connectivity, float[] expected)
    {
        using var context = Context(("label", Image([1, 0, 0, 0, 1, 0, 0, 0, 1], [1, 3, 3])));
        new KeepLargestCC(["label"], connectivity).Apply(context);
        Assert.That(Values(context, "label"), Is.EqualTo(expected));
    }

    [Test]
    public void LargerComponentWinsRegardlessOfPosition()
    {
        // Row-major 1×8 rows of a 2D mask: a blob of 2 first, then a blob of 3.
        using var context = Context(("label", Image([1, 1, 0, 1, 1, 1, 0, 0], [1, 1, 8])));
        new KeepLargestCC(["label"]).Apply(context);
        Assert.That(Values(context, "label"), Is.EqualTo(new float[] { 0, 0, 0, 1, 1, 1, 0, 0 }));
    }

    [Test]
    public void EveryLabelOfALabelMapKeepsItsOwnLargestComponentAndItsValue()
    {
        // 2D, 1×9: label 2 has pieces of 1 and 2 voxels, label 5 has pieces of 2 and 1.
        using var context = Context(("label", Image([2, 0, 2, 2, 5, 5, 0, 5, 0], [1, 1, 9])));
        new KeepLargestCC(["label"]).Apply(context);
        Assert.That(Values(context, "label"), Is.EqualTo(new float[] { 0, 0, 2, 2, 5, 5, 0, 0, 0 }));
    }

    /// <summary>Labels above 255 and negative labels take other paths to find the label values; the answer must not change.</summary>
    [TestCase(300f, 7f)]
    [TestCase(-2f, 300f)]
    public void LabelValuesOfAnyIntegerRangeAreFound(float a, float b)
    {
        using var context = Context(("label", Image([a, 0, a, a, b, b, 0, b, 0], [1, 1, 9])));
        new KeepLargestCC(["label"]).Apply(context);
        Assert.That(Values(context, "label"), Is.EqualTo(new float[] { 0, 0, a, a, b, b, 0, 0, 0 }));
    }

    [Test]
    public void AppliedLabelsLimitWhichLabelsOrChannelsAreProcessed()
    {
        using var labels = Context(("label", Image([2, 0, 2, 2, 5, 5, 0, 5, 0], [1, 1, 9])));
        new KeepLargestCC(["label"], appliedLabels: [5]).Apply(labels);
        Assert.That(Values(labels, "label"), Is.EqualTo(new float[] { 2, 0, 2, 2, 5, 5, 0, 0, 0 }));

        // Channel 0 (background of a one-hot map) is skipped; channel 1 is cleaned.
        using var channels = Context(("model", Image([1, 0, 1, 0, 0, 1, 0, 1, 1, 0], [2, 1, 5])));
        new KeepLargestCC(["model"], appliedLabels: [1]).Apply(channels);
        Assert.That(Values(channels, "model"), Is.EqualTo(new float[] { 1, 0, 1, 0, 0, 0, 0, 1, 1, 0 }));
    }

    [Test]
    public void NonBinaryChannelValuesAreKeptWhereTheComponentIsKept()
    {
        using var context = Context(("model", Image([7, 7, 0, 3], [2, 1, 2])));
        new KeepLargestCC(["model"]).Apply(context);
        Assert.That(Values(context, "model"), Is.EqualTo(new float[] { 7, 7, 0, 3 }));
    }

    [Test]
    public void EmptyMaskStaysEmpty()
    {
        using var context = Context(("label", Image(new float[27], [1, 3, 3, 3])));
        new KeepLargestCC(["label"]).Apply(context);
        Assert.That(Values(context, "label"), Is.EqualTo(new float[27]));
    }

    [Test]
    public void RunsSpanningWholeRowsAndPlanesJoin()
    {
        // Full rows (0,0,:) and (1,1,:) touch only through an (i, j) edge step; (2,3,0) touches neither.
        var values = new float[3 * 4 * 4];
        void Set(int i, int j, int k) => values[(i * 4 + j) * 4 + k] = 1;
        for (var k = 0; k < 4; k++) { Set(0, 0, k); Set(1, 1, k); }
        Set(2, 3, 0);
        using var context = Context(("label", Image(values, [1, 3, 4, 4])));
        new KeepLargestCC(["label"], 18).Apply(context);
        var result = Values(context, "label");
        Assert.That(result.Sum(), Is.EqualTo(8), "the two rows join through an edge step");
        Assert.That(result[(2 * 4 + 3) * 4 + 0], Is.Zero);
    }

    [Test]
    public void ProbabilitiesAreRejected()
    {
        using var context = Context(("model", Image([0.2f, 0.9f, 1f, 0f], [1, 2, 2])));
        Assert.That(() => new KeepLargestCC(["model"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("non-integer").And.Message.Contains("'model'").And.Message.Contains(nameof(KeepLargestCC)));
    }

    [Test]
    public void ConnectivityMustSuitTheImageRank()
    {
        using var context2D = Context(("label", Image([1, 0, 0, 1], [1, 2, 2])));
        Assert.That(() => new KeepLargestCC(["label"], 6).Apply(context2D),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("2D").And.Message.Contains("8 or 4"));
        using var context3D = Context(("label", Image([1, 0, 0, 1, 0, 0, 0, 0], [1, 2, 2, 2])));
        Assert.That(() => new KeepLargestCC(["label"], 8).Apply(context3D),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("3D"));
    }

    [Test]
    public void BadArgsNameTheArg()
    {
        Assert.That(() => new KeepLargestCC(["label"], 5), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("connectivity"));
        Assert.That(() => new KeepLargestCC([]), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("fields"));
        Assert.That(() => new KeepLargestCC(["label"], appliedLabels: []), Throws.TypeOf<ConfigArgException>().With.Property("Arg").EqualTo("applied_labels"));
    }

    [Test]
    public void AppliedChannelOutOfRangeIsReported()
    {
        using var context = Context(("model", Image([1, 0, 0, 1], [2, 1, 2])));
        Assert.That(() => new KeepLargestCC(["model"], appliedLabels: [2]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("applied_labels"));
    }

    [Test]
    public void MissingFieldNamesFieldTransformAndSample()
    {
        using var context = Context();
        Assert.That(() => new KeepLargestCC(["pred"]).Apply(context),
            Throws.TypeOf<SampleFieldException>().With.Message.Contains("'pred'").And.Message.Contains(nameof(KeepLargestCC)).And.Message.Contains("case_07"));
    }

    [Test]
    public void HelperRejectsAShapeThatDoesNotMatchTheMask()
    {
        var mask = new byte[10];
        Assert.That(() => LargestConnectedComponent.Keep(mask, [3, 3], Connectivity.Full2D), Throws.ArgumentException);
        Assert.That(() => LargestConnectedComponent.Keep(mask, [2, 5], Connectivity.Full3D), Throws.ArgumentException);
    }
}
