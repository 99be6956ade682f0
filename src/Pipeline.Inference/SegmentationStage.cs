namespace Pipeline.Inference;

/// <summary>Where a <see cref="MmarSegmenter"/> call is, as reported to its progress callback.</summary>
public enum SegmentationStage
{
    /// <summary>Loading the image and running <c>pre_transforms</c>.</summary>
    Preparing,

    /// <summary>Waiting for the network, which runs one image at a time (it uses every core).</summary>
    Queued,

    /// <summary>Running the inferer (the network over its windows).</summary>
    Inferring,

    /// <summary>Running <c>post_transforms</c>.</summary>
    PostProcessing,

    /// <summary>The result is ready.</summary>
    Done,
}
