using Pipeline.Components;

namespace Pipeline.Tests.Configuration.Schema;

/// <summary>A loss, so a training config can be complete.</summary>
[Component(ComponentKind.Loss, "FakeDiceLoss")]
public sealed class FakeDiceLoss(bool squaredPred = false)
{
    public bool SquaredPred { get; } = squaredPred;
}

/// <summary>A model with a required arg.</summary>
[Component(ComponentKind.Model, "FakeSegResnet")]
public sealed class FakeSegResnet(int numClasses, int blocksDown = 1)
{
    public int NumClasses { get; } = numClasses;
    public int BlocksDown { get; } = blocksDown;
}

/// <summary>An image pipeline.</summary>
[Component(ComponentKind.ImagePipeline, "FakeImagePipeline")]
public sealed class FakeImagePipeline(string dataListFilePath, string dataListKey = "training", int batchSize = 1)
{
    public string DataListFilePath { get; } = dataListFilePath;
    public string DataListKey { get; } = dataListKey;
    public int BatchSize { get; } = batchSize;
}
