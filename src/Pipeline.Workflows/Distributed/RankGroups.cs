using System.Globalization;

namespace Pipeline.Workflows.Distributed;

/// <summary>Opens the rank group a process belongs to: MPI when launched as one of several ranks, one process otherwise.</summary>
public static class RankGroups
{
    /// <summary>The rank count the launcher's environment declares (Open MPI's mpirun, MPICH/PMI, Slurm's srun); 1 when none does.</summary>
    public static int LaunchedRanks()
    {
        foreach (var name in new[] { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS" })
            if (int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0)
                return name == "SLURM_NTASKS" && Environment.GetEnvironmentVariable("SLURM_PROCID") is null ? 1 : size;
        return 1;
    }

    /// <summary>This process's rank among the ranks on its own machine (for picking a GPU); 0 when the launcher does not say.</summary>
    public static int LocalRank()
    {
        foreach (var name in new[] { "OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "SLURM_LOCALID" })
            if (int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var rank)) return rank;
        return 0;
    }

    /// <summary>The group for <paramref name="mode"/>.</summary>
    /// <exception cref="DllNotFoundException">MPI is wanted but Open MPI is not installed.</exception>
    public static IRankGroup Open(DistributedMode mode, TimeSpan timeout) => mode switch
    {
        DistributedMode.None => SingleProcess.Instance,
        DistributedMode.Auto when LaunchedRanks() <= 1 => SingleProcess.Instance,
        _ => MpiRankGroup.Open(timeout),
    };
}
