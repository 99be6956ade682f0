namespace Pipeline.Workflows.Distributed;

/// <summary>A run of one process: every collective is the identity.</summary>
public sealed class SingleProcess : IRankGroup
{
    /// <summary>The one instance.</summary>
    public static SingleProcess Instance { get; } = new();

    private SingleProcess()
    {
    }

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int Size => 1;

    /// <inheritdoc />
    public void AllReduceSum(nint address, long count, string what)
    {
    }

    /// <inheritdoc />
    public void AllReduceSum(double[] values, string what)
    {
    }

    /// <inheritdoc />
    public void Broadcast(nint address, long count, string what)
    {
    }

    /// <inheritdoc />
    public byte[][] AllGather(byte[] mine, string what) => [mine];

    /// <inheritdoc />
    public void UseHeartbeats(string folder)
    {
    }

    /// <inheritdoc />
    public void Fail()
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
