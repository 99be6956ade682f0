namespace Pipeline.Workflows.Pipelines;

/// <summary>A data-list item could not be turned into a batch; the message names the item.</summary>
public sealed class ImagePipelineException(string message, Exception? inner = null) : Exception(message, inner);
