namespace Pipeline.Networks.Weights;

/// <summary>What <see cref="WeightImport.Apply"/> did.</summary>
/// <param name="Loaded">Tensors copied into the network.</param>
/// <param name="StrippedPrefix">Wrapper prefix removed from every source name ("" for none).</param>
/// <param name="Converted">Source tensors converted to the network's precision, with the conversion.</param>
/// <param name="Ignored">Source tensors deliberately skipped (BatchNorm counters the network does not keep).</param>
public sealed record WeightImportReport(int Loaded, string StrippedPrefix, IReadOnlyList<string> Converted, IReadOnlyList<string> Ignored);
