namespace Pipeline.ImageIO.Dicom;

/// <summary>What the series reader does with slices sheared from their normal (a CT acquired with the gantry tilted).</summary>
public enum GantryTiltHandling
{
    /// <summary>Refuse the series, saying by how many degrees it is tilted.</summary>
    Refuse,

    /// <summary>Shift each slice in its plane (bilinear) onto an orthogonal grid, as dcm2niix's tilt correction does; voxels no slice covers take the series' minimum.</summary>
    Resample,
}
