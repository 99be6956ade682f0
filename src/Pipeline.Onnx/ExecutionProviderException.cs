namespace Pipeline.Onnx;

/// <summary>An ONNX Runtime execution provider (CUDA, TensorRT) is not in this build or a library it needs is missing; the message names it and what to do.</summary>
public sealed class ExecutionProviderException(string message, Exception? inner) : Exception(message, inner);
