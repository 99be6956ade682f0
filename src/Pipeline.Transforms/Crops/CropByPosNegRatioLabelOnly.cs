using Pipeline.Components;
using Pipeline.Data;

namespace Pipeline.Transforms.Crops;

/// <summary>Batching crop balanced on the label alone: <c>batch_size</c> boxes per volume, centred on foreground with probability pos/(pos+neg), else on any voxel where the label is zero.</summary>
/// <remarks>
/// As <see cref="CropByPosNegRatio"/> except that the background is every voxel where the label is zero; no image
/// intensity is checked, so <c>fields</c> may hold only the label. Padding (0), centre shifting and the affine
/// update are the same; <c>batches_to_gen_at_once</c> is accepted but centres are drawn per call (see CropByPosNegRatio).
/// </remarks>
[Component(ComponentKind.Transform, "CropByPosNegRatioLabelOnly")]
public sealed class CropByPosNegRatioLabelOnly : ITransform, IDeclaresFields, IDeclaresCropSize
{
    private readonly PosNegBatchCropper _cropper;

    /// <summary>Creates the transform.</summary>
    /// <param name="size">Box size in voxels per spatial axis (one entry = the same for every axis).</param>
    /// <param name="fields">Fields to crop (the label field is added when missing); they must share one voxel grid.</param>
    /// <param name="labelField">Label whose foreground balances the crop centres.</param>
    /// <param name="pos">Weight of foreground centres.</param>
    /// <param name="neg">Weight of background centres.</param>
    /// <param name="batchSize">Crops per volume.</param>
    /// <param name="batchesToGenAtOnce">Accepted for Clara compatibility (≥ 1); centres are drawn per call.</param>
    public CropByPosNegRatioLabelOnly(int[] size, string[] fields, string labelField, double pos = 1.0, double neg = 1.0, int batchSize = 1,
        int batchesToGenAtOnce = 1) =>
        _cropper = new PosNegBatchCropper(nameof(CropByPosNegRatioLabelOnly), size, fields, labelField, pos, neg, batchSize, batchesToGenAtOnce,
            useImage: false, imageThreshold: 0.0);

    /// <inheritdoc />
    public bool IsDeterministic => false;

    /// <inheritdoc />
    public IReadOnlyList<string> ReadsFields => _cropper.Fields;

    /// <inheritdoc />
    public IReadOnlyList<int> CropSize => _cropper.Size;

    /// <inheritdoc />
    public IReadOnlyList<string> WritesFields => _cropper.Fields;

    /// <inheritdoc />
    public void Apply(TransformContext context) => _cropper.Apply(context);
}
