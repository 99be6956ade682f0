using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Imaging;
using static TorchSharp.torch;

namespace Pipeline.Transforms.Labels;

/// <summary>Splits a multi-channel image into single-channel fields: field <c>channel_names[c]</c> gets channel c, values and type unchanged.</summary>
/// <remarks>The number of names must equal the number of channels (BraTS: <c>["TC", "WT", "ET"]</c>); the source field is kept unless it is also named.</remarks>
[Component(ComponentKind.Transform, "SplitAcrossChannels")]
public sealed class SplitAcrossChannels : ITransform, IDeclaresFields
{
    private readonly string _field;
    private readonly string[] _channelNames;

    /// <summary>Creates the transform.</summary>
    /// <param name="field">Field holding a channels-first image.</param>
    /// <param name="channelNames">Names of the new fields, one per channel in channel order.</param>
    public SplitAcrossChannels(string field, string[] channelNames)
    {
        _field = TransformArgs.Field(field, "field");
        _channelNames = TransformArgs.Fields(channelNames, "channel_names");
    }

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => [_field];

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _channelNames;

    /// <inheritdoc />
    public string FieldsArg => "field";

    /// <inheritdoc />
    public void Apply(TransformContext context) =>
        FieldImages.Split(context, nameof(SplitAcrossChannels), _field, _channelNames, image =>
        {
            if (image.Channels != _channelNames.Length)
                throw FieldImages.Problem(context, nameof(SplitAcrossChannels), _field,
                    $"has {image.Channels} channels, but channel_names names {_channelNames.Length}");
            return Channels(image);
        });

    private static Tensor[] Channels(MedicalImage image)
    {
        using var scope = NewDisposeScope();
        return Enumerable.Range(0, (int)image.Channels)
            .Select(c => image.Data.narrow(0, c, 1).contiguous().clone().MoveToOuterDisposeScope())
            .ToArray();
    }
}
