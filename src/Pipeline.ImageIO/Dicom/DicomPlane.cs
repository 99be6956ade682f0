namespace Pipeline.ImageIO.Dicom;

/// <summary>One 2-D image of a series as its header places it: a single-frame file, or one frame of an enhanced multi-frame file.</summary>
/// <param name="File">The file holding it.</param>
/// <param name="Frame">Its frame in the file, from 0.</param>
/// <param name="Frames">How many frames the file holds.</param>
/// <param name="Header">The file's dataset (without the pixel data when read for grouping).</param>
/// <param name="Attributes">Where its geometry and rescale attributes are read: the dataset itself, or the frame's functional groups.</param>
internal sealed record DicomPlane(string File, int Frame, int Frames, DicomDataset Header, DicomPlaneAttributes Attributes)
{
    /// <summary>The planes of one file: itself, or each frame of an enhanced multi-frame image (which carries per-frame functional groups).</summary>
    /// <exception cref="DicomFormatException">A multi-frame image without functional groups, or with fewer groups than frames.</exception>
    public static IEnumerable<DicomPlane> Of(string file, DicomDataset header)
    {
        var frames = (int)Math.Max(1, header.GetInteger(DicomTags.NumberOfFrames) ?? 1);
        var perFrame = header.GetItems(DicomTags.PerFrameFunctionalGroupsSequence);
        var shared = header.GetItems(DicomTags.SharedFunctionalGroupsSequence) is [var s, ..] ? s : null;
        if (perFrame.Count == 0 && shared is null)
        {
            if (frames > 1)
                throw new DicomFormatException(file, $"the image holds {frames} frames without per-frame functional groups (a legacy multi-frame image); " +
                    "only single-frame images and enhanced multi-frame CT/MR images are read");
            return [new DicomPlane(file, 0, 1, header, new DicomPlaneAttributes(header))];
        }
        if (perFrame.Count != frames)
            throw new DicomFormatException(file, $"the image holds {frames} frames but {perFrame.Count} per-frame functional group items");
        return Enumerable.Range(0, frames).Select(f => new DicomPlane(file, f, frames, header, new DicomPlaneAttributes(header, perFrame[f], shared)));
    }

    /// <summary>A format error naming the file, and the frame of a multi-frame image.</summary>
    public DicomFormatException Fail(string message) => new(File, Frames > 1 ? $"frame {Frame + 1}: {message}" : message);

    /// <summary>The <paramref name="count"/> finite decimals of <paramref name="tag"/> (e.g. ImagePositionPatient's 3).</summary>
    /// <exception cref="DicomFormatException">The attribute is absent, not numbers, or not <paramref name="count"/> finite ones.</exception>
    public double[] Decimals(DicomTag tag, int count)
    {
        double[]? values;
        try
        {
            values = Attributes.GetDecimals(tag);
        }
        catch (FormatException)
        {
            throw Fail($"{tag} holds '{Attributes.GetString(tag)}', which is not {count} numbers");
        }
        if (values is null || values.Length != count || values.Any(v => !double.IsFinite(v)))
            throw Fail(values is null
                ? $"the image has no {tag}; without it the slices cannot be placed in space"
                : $"{tag} holds {values.Length} value(s), not {count}");
        return values;
    }
}

/// <summary>
/// Reads a plane's attributes where the standard keeps them: for a single-frame image in the dataset; for a frame of an
/// enhanced image in its per-frame functional group, else the shared one (position in PlanePositionSequence, orientation
/// in PlaneOrientationSequence, spacing and thickness in PixelMeasuresSequence, rescale in PixelValueTransformationSequence).
/// </summary>
internal sealed class DicomPlaneAttributes(DicomDataset dataset, DicomDataset? perFrame = null, DicomDataset? shared = null)
{
    private static readonly Dictionary<DicomTag, DicomTag> Macros = new()
    {
        [DicomTags.ImagePositionPatient] = DicomTags.PlanePositionSequence,
        [DicomTags.ImageOrientationPatient] = DicomTags.PlaneOrientationSequence,
        [DicomTags.PixelSpacing] = DicomTags.PixelMeasuresSequence,
        [DicomTags.SliceThickness] = DicomTags.PixelMeasuresSequence,
        [DicomTags.RescaleSlope] = DicomTags.PixelValueTransformationSequence,
        [DicomTags.RescaleIntercept] = DicomTags.PixelValueTransformationSequence,
    };

    /// <summary>Whether the plane comes from functional groups.</summary>
    public bool Enhanced => perFrame is not null || shared is not null;

    /// <summary>The dataset that holds <paramref name="tag"/> for this plane, or null where none does.</summary>
    public DicomDataset? Holder(DicomTag tag)
    {
        if (!Enhanced || !Macros.TryGetValue(tag, out var macro)) return dataset.Contains(tag) ? dataset : null;
        foreach (var group in new[] { perFrame, shared })
            if (group?.GetItems(macro) is [var item, ..] && item.Contains(tag)) return item;
        // Some writers also put a frame's attributes at the top level; they count when the groups are silent.
        return dataset.Contains(tag) ? dataset : null;
    }

    /// <summary>Whether the plane has <paramref name="tag"/>.</summary>
    public bool Contains(DicomTag tag) => Holder(tag) is not null;

    /// <summary>The text of <paramref name="tag"/>, or null.</summary>
    public string? GetString(DicomTag tag) => Holder(tag)?.GetString(tag);

    /// <summary>The decimals of <paramref name="tag"/>, or null.</summary>
    /// <exception cref="FormatException">A value is not a number.</exception>
    public double[]? GetDecimals(DicomTag tag) => Holder(tag)?.GetDecimals(tag);
}
