namespace Pipeline.Components;

/// <summary>The kinds of component a config names; each config section accepts exactly one kind.</summary>
public enum ComponentKind
{
    /// <summary>A per-sample or per-batch transform (<c>pre_transforms</c>, <c>post_transforms</c>, …).</summary>
    Transform,
    /// <summary>A data pipeline (<c>image_pipeline</c>).</summary>
    ImagePipeline,
    /// <summary>A network (<c>model</c>).</summary>
    Model,
    /// <summary>A training loss (<c>loss</c>).</summary>
    Loss,
    /// <summary>An optimizer (<c>optimizer</c>).</summary>
    Optimizer,
    /// <summary>A learning-rate policy (<c>lr_policy</c>).</summary>
    LrPolicy,
    /// <summary>A validation metric (<c>metrics</c>, <c>val_metrics</c>).</summary>
    Metric,
    /// <summary>An auxiliary training op (<c>aux_ops</c>).</summary>
    AuxOp,
    /// <summary>A training event handler (<c>handlers</c>).</summary>
    Handler,
    /// <summary>An inferer (<c>inferer</c>).</summary>
    Inferer,
    /// <summary>A model loader (<c>model_loader</c>).</summary>
    ModelLoader,
    /// <summary>An evaluation writer (<c>writers</c>).</summary>
    Writer,
}

/// <summary>Config spellings of <see cref="ComponentKind"/>.</summary>
public static class ComponentKinds
{
    /// <summary>The snake_case name used in messages and by <c>mmar list</c> (e.g. <c>lr_policy</c>).</summary>
    public static string ConfigName(this ComponentKind kind) => kind switch
    {
        ComponentKind.Transform => "transform",
        ComponentKind.ImagePipeline => "image_pipeline",
        ComponentKind.Model => "model",
        ComponentKind.Loss => "loss",
        ComponentKind.Optimizer => "optimizer",
        ComponentKind.LrPolicy => "lr_policy",
        ComponentKind.Metric => "metric",
        ComponentKind.AuxOp => "aux_op",
        ComponentKind.Handler => "handler",
        ComponentKind.Inferer => "inferer",
        ComponentKind.ModelLoader => "model_loader",
        ComponentKind.Writer => "writer",
        _ => kind.ToString(),
    };

    /// <summary>Parses a snake_case or PascalCase kind name.</summary>
    public static bool TryParse(string text, out ComponentKind kind)
    {
        foreach (var k in Enum.GetValues<ComponentKind>())
            if (string.Equals(k.ConfigName(), text, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(k.ToString(), text, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(k.ConfigName() + "s", text, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        kind = default;
        return false;
    }
}
