namespace Pipeline.Onnx;

/// <summary>The keys of the metadata an exported model carries, so a deployer needs nothing but the file.</summary>
public static class OnnxModelMetadata
{
    /// <summary>The network's spec (name and args) as JSON.</summary>
    public const string Network = "mmar.network";

    /// <summary>The input contract (channels, spatial rank, divisors, fixed shape) as JSON.</summary>
    public const string InputContract = "mmar.input_contract";

    /// <summary>The output activation (softmax, sigmoid or linear).</summary>
    public const string OutputActivation = "mmar.output_activation";

    /// <summary>The precision the weights and the graph run in: fp32, or fp16 (input and output stay float32).</summary>
    public const string Precision = "mmar.precision";

    /// <summary>The voxel spacing in mm the network was trained at, as a JSON array per spatial axis (≤ 0: that axis as loaded); absent when training kept each image's own.</summary>
    public const string Spacing = "mmar.spacing";

    /// <summary>The orientation codes (e.g. RAS) the training images were brought to; absent when training kept each image's own.</summary>
    public const string Orientation = "mmar.orientation";

    /// <summary>The input's and the output's value names.</summary>
    public const string InputName = "image", OutputName = "prediction";
}
