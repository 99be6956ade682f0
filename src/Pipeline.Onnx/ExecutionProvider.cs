namespace Pipeline.Onnx;

/// <summary>An ONNX Runtime execution provider, as <c>execution_providers</c> names it.</summary>
public enum ExecutionProvider
{
    /// <summary>ONNX Runtime's own CPU kernels; in every build.</summary>
    Cpu,

    /// <summary>NVIDIA CUDA (cuDNN, cuBLAS); in the build with <c>-p:OnnxRuntimeGpu=true</c>.</summary>
    Cuda,

    /// <summary>NVIDIA TensorRT (config name <c>tensorrt</c>), building an engine per input shape and caching it next to the model; in the build with <c>-p:OnnxRuntimeGpu=true</c>.</summary>
    Tensorrt,
}
