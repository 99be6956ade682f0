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

    /// <summary>The input's and the output's value names.</summary>
    public const string InputName = "image", OutputName = "prediction";
}
