using static TorchSharp.torch;

namespace Pipeline.Networks.Weights;

/// <summary>The contents of a safetensors file: tensors in header order plus the optional string metadata.</summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>Wraps already-loaded tensors and metadata; the instance owns the tensors.</summary>
    public SafetensorsFile(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Tensors by name, in the order the header lists them.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> entries, empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Disposes every tensor.</summary>
    public void Dispose()
    {
        foreach (var tensor in Tensors.Values) tensor.Dispose();
    }
}
