namespace Pipeline.Transforms.Labels;

/// <summary>Which voxels count as neighbours when growing connected components.</summary>
public enum Connectivity
{
    /// <summary>2D, edge neighbours only (4 per pixel); scipy's <c>generate_binary_structure(2, 1)</c>.</summary>
    Edge2D = 4,
    /// <summary>2D, edge and corner neighbours (8 per pixel); <c>generate_binary_structure(2, 2)</c>.</summary>
    Full2D = 8,
    /// <summary>3D, face neighbours only (6 per voxel); <c>generate_binary_structure(3, 1)</c>.</summary>
    Face3D = 6,
    /// <summary>3D, face and edge neighbours (18 per voxel); <c>generate_binary_structure(3, 2)</c>.</summary>
    Edge3D = 18,
    /// <summary>3D, face, edge and corner neighbours (26 per voxel); <c>generate_binary_structure(3, 3)</c>.</summary>
    Full3D = 26,
}
