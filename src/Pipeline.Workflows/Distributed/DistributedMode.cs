namespace Pipeline.Workflows.Distributed;

/// <summary>How <c>mmar train</c> decides whether it is one of several ranks.</summary>
public enum DistributedMode
{
    /// <summary>MPI when started by mpirun or srun with more than one rank (their environment says so), one process otherwise.</summary>
    Auto,

    /// <summary>MPI, always (an error when Open MPI cannot start).</summary>
    Mpi,

    /// <summary>One process, whatever the environment says.</summary>
    None,
}
