using Pipeline.Configuration;
using Pipeline.Configuration.Binding;
using Pipeline.Configuration.Documents;
using Pipeline.Workflows.Checks;

namespace Pipeline.Workflows;

/// <summary>Builds a config's components through the registry for a workflow, keeps each with its spec for the checks, and disposes them all.</summary>
internal sealed class ComponentBuilder(MmarConfig config, ComponentFactory factory) : IDisposable
{
    private readonly List<object> _owned = [];

    /// <summary>The single component at <paramref name="path"/> (e.g. <c>train.loss</c>); null when absent, disabled or not buildable (then reported).</summary>
    public BuiltStep? Single<T>(string path, ConfigProblems problems) where T : class =>
        config.Component(path) is { Disabled: false } spec && Own(factory.Create<T>(spec, problems)) is { } component ? new BuiltStep(spec, component) : null;

    /// <summary>Every enabled component of the list at <paramref name="path"/> that could be built, in order.</summary>
    public List<BuiltStep> Chain<T>(string path, ConfigProblems problems) where T : class =>
        [.. config.Components(path).Where(s => !s.Disabled).Select(s => Own(factory.Create<T>(s, problems)) is { } c ? new BuiltStep(s, c) : null).OfType<BuiltStep>()];

    /// <summary>Takes ownership of <paramref name="component"/>, so <see cref="Dispose"/> releases it.</summary>
    public T? Own<T>(T? component) where T : class
    {
        if (component is not null) _owned.Add(component);
        return component;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var component in _owned) (component as IDisposable)?.Dispose();
        _owned.Clear();
    }
}
