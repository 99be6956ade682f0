namespace Pipeline.Configuration.Registry;

/// <summary>A successful registry lookup.</summary>
/// <param name="Descriptor">The component found.</param>
/// <param name="MatchedName">The registered spelling that matched (a name, an alias, or the full type name).</param>
/// <param name="IgnoredCase">True when the lookup matched only case-insensitively; callers warn so the config gets fixed.</param>
public sealed record ComponentMatch(ComponentDescriptor Descriptor, string MatchedName, bool IgnoredCase);
