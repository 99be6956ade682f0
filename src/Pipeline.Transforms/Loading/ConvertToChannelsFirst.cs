using Pipeline.Components;
using Pipeline.Data;
using Pipeline.Transforms.Intensity;

namespace Pipeline.Transforms.Loading;

/// <summary>Clara's step that moved the channel axis first; here a check that each field holds a loaded image, which is already channels-first.</summary>
/// <remarks>
/// In Clara the loaders returned channels-last or channel-less arrays and this transform added or moved the channel axis.
/// Our loaders always produce [C, i, j(, k)] — a single-channel file gets C = 1, dimensions 4 and up of a NIfTI file become
/// channels, PNG colours become channels — and no loader here has Clara's <c>nii_is_channels_first</c> option, so there is
/// no channels-last image to convert. The transform therefore changes nothing: it only verifies that every field exists and
/// holds an image (or a batch of crops), so configs that name it keep working and a misspelt field is still reported.
/// </remarks>
[Component(ComponentKind.Transform, "ConvertToChannelsFirst")]
public sealed class ConvertToChannelsFirst : ITransform, IDeclaresFields
{
    private readonly string[] _fields;

    /// <summary>Creates the transform.</summary>
    /// <param name="fields">Image fields that must be loaded by now.</param>
    public ConvertToChannelsFirst(string[] fields) => _fields = TransformArgs.Fields(fields);

    /// <inheritdoc />
    public bool IsDeterministic => true;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _fields;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => [];

    /// <inheritdoc />
    public void Apply(TransformContext context)
    {
        foreach (var field in _fields) _ = context.GetImages(field, nameof(ConvertToChannelsFirst));
    }
}
