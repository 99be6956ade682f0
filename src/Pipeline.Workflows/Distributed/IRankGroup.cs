namespace Pipeline.Workflows.Distributed;

/// <summary>The processes (ranks) training one model together: every rank calls the same collectives in the same order.</summary>
public interface IRankGroup : IDisposable
{
    /// <summary>This process's rank, from 0.</summary>
    int Rank { get; }

    /// <summary>How many ranks train together.</summary>
    int Size { get; }

    /// <summary>Rank 0, the one that writes checkpoints, logs and the console.</summary>
    bool IsRoot => Rank == 0;

    /// <summary>Replaces the <paramref name="count"/> floats at <paramref name="address"/> on every rank by their sum over the ranks.</summary>
    /// <param name="address">The first float; the memory must stay put until the call returns.</param>
    /// <param name="count">How many floats.</param>
    /// <param name="what">What is being reduced, for the message when a rank does not come (e.g. "the gradients of epoch 2, step 5").</param>
    void AllReduceSum(nint address, long count, string what);

    /// <summary>Replaces <paramref name="values"/> on every rank by their sum over the ranks.</summary>
    void AllReduceSum(double[] values, string what);

    /// <summary>Replaces <paramref name="count"/> bytes at <paramref name="address"/> on every rank by rank 0's.</summary>
    void Broadcast(nint address, long count, string what);

    /// <summary>Every rank's <paramref name="mine"/>, by rank.</summary>
    byte[][] AllGather(byte[] mine, string what);

    /// <summary>Where each rank notes the collective it is in, so that a timeout can name the rank that never came (a folder every rank sees).</summary>
    void UseHeartbeats(string folder);

    /// <summary>Marks the run as failed on this rank, so that disposing ends every rank (the others are waiting in a collective that will never complete) instead of waiting for them.</summary>
    void Fail();
}
