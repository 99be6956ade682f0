namespace Pipeline.Inferers;

/// <summary>How overlapping window predictions are weighted.</summary>
public enum BlendMode
{
    /// <summary>Equal weights: plain averaging.</summary>
    Constant,
    /// <summary>Gaussian weights centred on each window, so window borders count less.</summary>
    Gaussian,
}
