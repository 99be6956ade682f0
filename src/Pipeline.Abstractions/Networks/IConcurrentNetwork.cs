namespace Pipeline.Networks;

/// <summary>A network that serves several forward calls at once on separate resources (one ONNX Runtime session per GPU), so an inferer may run that many window batches in parallel.</summary>
public interface IConcurrentNetwork
{
    /// <summary>How many forward calls it runs at once.</summary>
    int ConcurrentCalls { get; }
}
