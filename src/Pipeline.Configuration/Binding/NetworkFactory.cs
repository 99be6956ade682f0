using Pipeline.Components;
using Pipeline.Networks;
using static TorchSharp.torch;

namespace Pipeline.Configuration.Binding;

/// <summary>Builds networks from a <see cref="NetworkSpec"/> (a config's model section, a checkpoint, an import spec) through the registry.</summary>
public sealed class NetworkFactory(ComponentFactory components)
{
    /// <summary>Binds and constructs the network; problems are reported against <paramref name="file"/> at <paramref name="jsonPath"/>.</summary>
    /// <exception cref="ConfigException">The name is unknown, an arg is wrong, or the component is not a network.</exception>
    public nn.Module<Tensor, Tensor> Create(NetworkSpec spec, string file, string jsonPath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new ConfigProblems();
        var created = components.Create(
            // A plugin network is stored under its full type name, which resolves as a path.
            spec.Name.Contains('.', StringComparison.Ordinal)
                ? new ComponentSpec { Kind = ComponentKind.Model, Path = spec.Name, Args = spec.Args, File = file, JsonPath = jsonPath }
                : new ComponentSpec { Kind = ComponentKind.Model, Name = spec.Name, Args = spec.Args, File = file, JsonPath = jsonPath }, problems);
        problems.ThrowIfErrors();
        if (created is not nn.Module<Tensor, Tensor> module || created is not INetwork)
        {
            (created as IDisposable)?.Dispose();
            throw new ConfigException(file, jsonPath,
                $"{spec.Name} is not a segmentation network (a model taking one tensor and declaring its input contract)");
        }
        return module;
    }
}
