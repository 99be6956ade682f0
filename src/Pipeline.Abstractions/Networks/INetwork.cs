namespace Pipeline.Networks;

/// <summary>A segmentation network that declares which inputs it accepts.</summary>
public interface INetwork
{
    /// <summary>Channels, spatial rank and legal spatial sizes of the input, plus the fixed shape once one is recorded.</summary>
    InputContract InputContract { get; }
}

/// <summary>A network whose graph is tied to one input shape (Clara's static-shape models), recorded when training starts.</summary>
public interface IFixedShapeNetwork : INetwork
{
    /// <summary>Records the spatial shape the network is trained for; from then on every other shape is rejected.</summary>
    void RecordInputShape(IReadOnlyList<int> spatialShape);
}
