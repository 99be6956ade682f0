namespace Pipeline.Training.LrPolicies;

/// <summary>Checks shared by the learning-rate policies.</summary>
internal static class LrPolicyArgs
{
    /// <summary>Rejects a context that cannot describe a point of training.</summary>
    public static void CheckContext(LrPolicyContext context)
    {
        if (context.TotalEpochs <= 0) throw new ArgumentException($"TotalEpochs must be > 0; got {context.TotalEpochs}");
        if (context.Epoch < 0) throw new ArgumentException($"Epoch must be ≥ 0; got {context.Epoch}");
        if (context.Step < 0) throw new ArgumentException($"Step must be ≥ 0; got {context.Step}");
    }

    /// <summary>The fraction of training done at the start of the current epoch, clamped to [0, 1].</summary>
    public static double Progress(LrPolicyContext context) => Math.Clamp((double)context.Epoch / context.TotalEpochs, 0, 1);
}
