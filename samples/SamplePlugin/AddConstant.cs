namespace SamplePlugin;
