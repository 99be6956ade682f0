using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Transforms.Intensity;

namespace Pipeline.Transforms.Loading;

/// <summary>Repeats every channel a number of times, e.g. a grey image into the 3 channels a network pretrained on colour images expects.</summary>
/// <remarks>
/// Clara's arg name is unknown; MONAI's <c>RepeatChannel(repeats)</c> is followed, and <c>repeat</c> is accepted too. As in MONAI
/// (<c>np.repeat</c> along axis 0) each channel is repeated in place — channels [a, b] with repeats 2 give [a, a, b, b], not
/// [a, b, a, b]. Voxel type, affine and properties are kept.
/// </remarks>
[Component(ComponentKind.Transform, "RepeatChannel")]
public sealed class RepeatChannel : ITransform, IDeclaresFields, IChangesChannels
{
    private readonly string[] _fields;
    private readonly int _repeats;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields whose channels are repeated.</param>
    /// <param name="repeats">How many copies of each channel the result holds, ≥ 1.</param>
    public RepeatChannel(string[] fields, [Arg("repeats", "repeat", Description = "copies of each channel in the result (≥ 1)")] int repeats)
    {
        _fields = TransformArgs.Fields(fields);
        if (repeats < 1) throw new ConfigArgException("repeats", $"repeats must be at least 1, got {repeats}");
        _repeats = repeats;
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _fields;

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        foreach (var field in _fields)
            ImageFields.Map(context, field, nameof(RepeatChannel), image => image.Data.repeat_interleave(_repeats, dim: 0));
    }
}
