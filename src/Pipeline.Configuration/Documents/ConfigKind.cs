namespace Pipeline.Configuration.Documents;

/// <summary>Which workflow a config file describes.</summary>
public enum ConfigKind
{
    /// <summary><c>config_train.json</c>: globals plus <c>train</c> and <c>validate</c> sections.</summary>
    Train,
    /// <summary><c>config_validation.json</c>: the stand-alone evaluation / inference workflow.</summary>
    Validation,
}
