using System.Text.Json.Nodes;
using static Pipeline.Tests.Conformance.Verdict;

namespace Pipeline.Tests.Conformance;

/// <summary>Mutations of a working tiny MMAR, one class of mistake each (and sound variants beside them), for the check-agrees-with-the-run corpus.</summary>
public static class MutationCorpus
{
    /// <summary>The folder beside the MMAR (in the test's temp root) that hostile mutations try to write into.</summary>
    public const string Outside = "outside";

    /// <summary>Every mutation, by name.</summary>
    public static IReadOnlyDictionary<string, ConfigMutation> ByName { get; } = All().ToDictionary(m => m.Name);

    private static ConfigMutation T(string name, Verdict verdict, Action<MmarFiles> apply, params string[] set) =>
        new(name, "train", verdict, apply, set.Length == 0 ? null : set);

    private static ConfigMutation V(string name, Verdict verdict, Action<MmarFiles> apply, params string[] set) =>
        new(name, "validation", verdict, apply, set.Length == 0 ? null : set);

    private static Action<MmarFiles> Train(string path, JsonNode? value) => f => MmarFiles.Set(f.Train, path, value?.DeepClone());

    private static Action<MmarFiles> Eval(string path, JsonNode? value) => f => MmarFiles.Set(f.Validation, path, value?.DeepClone());

    private static Action<MmarFiles> Data(string path, JsonNode? value) => f => MmarFiles.Set(f.Dataset, path, value?.DeepClone());

    private static JsonNode J(string json) => JsonNode.Parse(json)!;

    private static string Show(JsonNode? value) => value?.ToJsonString() ?? "removed";

    private static IEnumerable<ConfigMutation> All()
    {
        // Sections a run cannot do without; optional ones it can.
        foreach (var section in new[] { "train.loss", "train.model", "train.optimizer", "train.image_pipeline", "validate.image_pipeline", "validate.inferer" })
            yield return T($"train: {section} removed", Refused, Train(section, null));
        yield return T("train: validate.metrics removed", Accepted, Train("validate.metrics", null));
        yield return T("train: validate section removed", Accepted, Train("validate", null));
        yield return T("train: train.aux_ops NegLoss added", Accepted, Train("train.aux_ops", J("""[{ "name": "NegLoss" }]""")));

        // Globals: impossible numbers and wrong types are config errors at their path.
        foreach (var v in new[] { "0", "-1", "-3", "\"x\"", "\"1\"", "1.5", "true", "[1]", "{}" })
            yield return T($"train: epochs {v}", Refused, Train("epochs", J(v)));
        foreach (var key in new[] { "epochs", "learning_rate", "num_training_epoch_per_valid" })
            yield return T($"train: {key} null", Refused, f => f.Train[key] = null);
        yield return T("train: epochs removed (default 1)", Accepted, Train("epochs", null));
        foreach (var v in new[] { "0", "-1", "\"2\"", "2.5", "false" })
            yield return T($"train: num_training_epoch_per_valid {v}", Refused, Train("num_training_epoch_per_valid", J(v)));
        yield return T("train: num_training_epoch_per_valid 2", Accepted, Train("num_training_epoch_per_valid", J("2")));
        foreach (var v in new[] { "-1", "-1e-4", "\"fast\"", "\"1e-3\"", "true", "[1]", "{}", "1e309" })
            yield return T($"train: learning_rate {v}", Refused, Train("learning_rate", J(v)));
        foreach (var v in new[] { "0", "1e-2" })
            yield return T($"train: learning_rate {v}", Accepted, Train("learning_rate", J(v)));
        foreach (var v in new[] { "\"x\"", "1.5", "[1]", "true", "\"12a\"" })
            yield return T($"train: determinism.random_seed {v}", Refused, Train("determinism", J($$"""{ "random_seed": {{v}} }""")));
        foreach (var v in new[] { "\"20\"", "-4", "0", "\" 7 \"" })
            yield return T($"train: determinism.random_seed {v}", Accepted, Train("determinism", J($$"""{ "random_seed": {{v}} }""")));
        yield return T("train: determinism 5", Refused, Train("determinism", J("5")));
        yield return T("train: determinism {}", Accepted, Train("determinism", J("{}")));
        foreach (var (key, v) in new[] { ("use_amp", "\"true\""), ("use_amp", "1"), ("multi_gpu", "\"yes\""), ("dynamic_input_shape", "\"false\""), ("train_summary_recording_interval", "-1") })
            yield return T($"train: {key} {v}", Refused, Train(key, J(v)));
        yield return T("train: dynamic_input_shape true with a fixed-shape SegResnet", Refused, Train("dynamic_input_shape", J("true")));
        foreach (var (key, v) in new[] { ("use_amp", "true"), ("multi_gpu", "true"), ("dynamic_input_shape", "false"), ("train_summary_recording_interval", "1"), ("stop_threshold", "0.5") })
            yield return T($"train: {key} {v}", Accepted, Train(key, J(v)));

        // The network.
        yield return T("train: model name NoSuchNet", Refused, Train("train.model.name", J("\"NoSuchNet\"")));
        foreach (var name in new[] { "SegResNet", "Segresnet" }) // Names are matched without regard to case, as the registry lists them.
            yield return T($"train: model name {name}", Accepted, Train("train.model.name", J($"\"{name}\"")));
        yield return T("train: model path naming a missing type", Refused, f =>
        {
            var model = f.Train["train"]!["model"]!.AsObject();
            model.Remove("name");
            model["path"] = "My.Missing.Network";
        });
        yield return T("train: model name and a path naming a missing type", Refused, Train("train.model.path", J("\"My.Missing.Network\"")));
        foreach (var (arg, v) in new[] { ("num_classes", "0"), ("num_classes", "-1"), ("init_filters", "0"), ("in_channels", "2"), ("blocks_down", "\"x\""),
                     ("final_activation", "\"bogus\""), ("no_such_arg", "1"), ("num_classes", "\"two\"") })
            yield return T($"train: model args.{arg} {v}", Refused, Train($"train.model.args.{arg}", J(v)));
        yield return T("train: model args.final_activation softmax", Accepted, Train("train.model.args.final_activation", J("\"softmax\"")));

        // Loss, optimizer, learning-rate policy.
        yield return T("train: loss name Dicee", Refused, Train("train.loss.name", J("\"Dicee\"")));
        yield return T("train: loss args.skip_background \"yes\"", Refused, Train("train.loss.args.skip_background", J("\"yes\"")));
        foreach (var loss in new[] { "Dice", "Focal" })
            yield return T($"train: loss {loss}", Accepted, Train("train.loss", J($$"""{ "name": "{{loss}}" }""")));
        yield return T("train: optimizer args.beta1 2", Refused, Train("train.optimizer.args", J("""{ "beta1": 2 }""")));
        yield return T("train: optimizer args.learning_rate -1", Refused, Train("train.optimizer.args", J("""{ "learning_rate": -1 }""")));
        yield return T("train: optimizer NoSuchOptimizer", Refused, Train("train.optimizer.name", J("\"NoSuchOptimizer\"")));
        yield return T("train: optimizer NovoGrad", Accepted, Train("train.optimizer.name", J("\"NovoGrad\"")));
        yield return T("train: lr_policy ReducePoly", Accepted, Train("train.lr_policy", J("""{ "name": "ReducePoly", "args": { "poly_power": 0.9 } }""")));
        yield return T("train: lr_policy poly_power \"x\"", Refused, Train("train.lr_policy", J("""{ "name": "ReducePoly", "args": { "poly_power": "x" } }""")));
        yield return T("train: lr_policy NoSuchPolicy", Refused, Train("train.lr_policy", J("""{ "name": "NoSuchPolicy" }""")));

        // The training chain and its crop.
        foreach (var v in new[] { "[64, 64]", "[0, 0, 0]", "[33, 32, 16]", "[100000, 100000, 100000]", "[64, 64, 32]", "[-1, 32, 16]", "[]" })
            yield return T($"train: crop size {v}", Refused, Train("train.pre_transforms[1].args.size", J(v)));
        yield return T("train: crop size \"32,32,16\" (the binder's list form)", Accepted, Train("train.pre_transforms[1].args.size", J("\"32,32,16\"")));
        yield return T("train: crop size \"64,64,32\" (the binder's list form)", Refused, Train("train.pre_transforms[1].args.size", J("\"64,64,32\"")));
        foreach (var (arg, v) in new[] { ("fields", "\"imag\""), ("label_field", "\"lbl\""), ("batch_size", "0"), ("pos", "-1") })
            yield return T($"train: crop args.{arg} {v}", Refused, Train($"train.pre_transforms[1].args.{arg}", J(v)));
        yield return T("train: loader name LoadNiftii", Refused, Train("train.pre_transforms[0].name", J("\"LoadNiftii\"")));
        yield return T("train: loader fields images", Refused, Train("train.pre_transforms[0].args.fields", J("""["images", "label"]""")));
        yield return T("train: crop disabled", Accepted, Train("train.pre_transforms[1].disabled", J("true")));
        yield return T("train: ref to a missing alias", Refused, f => f.Train["train"]!["pre_transforms"]!.AsArray().Add(J("""{ "ref": "Nope" }""")));
        foreach (var (transform, verdict) in new[]
                 {
                     ("""{ "name": "ScaleIntensityRange", "args": { "fields": "image", "a_min": 5, "a_max": 1 } }""", Refused),
                     ("""{ "name": "ScaleIntensityRange", "args": { "fields": "image", "a_min": 0, "a_max": 1, "clipp": true } }""", Refused),
                     ("""{ "name": "RandomSpatialFlip", "args": { "fields": ["image", "label"] } }""", Accepted),
                     ("""{ "name": "AddGaussianNoise", "args": { "fields": "image", "probability": 0.5 } }""", Accepted),
                     ("""{ "name": "ScaleIntensityOscillation", "args": { "fields": "image", "magnitude": 0.1 } }""", Accepted),
                     ("""{ "name": "RandomZoom", "disabled": true, "args": { "image_field": "image", "label_field": "label", "lower_limits": [0.9, 0.9, 0.9], "upper_limits": [1.1, 1.1, 1.1] } }""", Accepted),
                     ("""{ "name": "AddGaussianNoise", "args": { "fields": "labl", "probability": 0.5 } }""", Refused),
                 })
            yield return T($"train: transform {transform} appended", verdict, f => f.Train["train"]!["pre_transforms"]!.AsArray().Add(J(transform)));

        // The training pipeline.
        foreach (var (arg, v) in new[] { ("output_batch_size", "0"), ("num_workers", "0"), ("prefetch_size", "-1"), ("data_list_key", "\"nope\""),
                     ("data_list_file_path", "\"missing.json\""), ("output_image_channels", "2"), ("output_crop_size", "[32, 32]"), ("output_crop_size", "[64, 64, 32]"),
                     ("shuffle", "\"no\""), ("output_crop_size", "[0, 32, 16]") })
            yield return T($"train: image_pipeline args.{arg} {v}", Refused, Train($"train.image_pipeline.args.{arg}", J(v)));
        yield return T("train: image_pipeline output_crop_size [-1, -1, -1]", Accepted, Train("train.image_pipeline.args.output_crop_size", J("[-1, -1, -1]")));
        yield return T("train: image_pipeline with Smart Cache", Accepted, f =>
        {
            MmarFiles.Set(f.Train, "train.image_pipeline.name", "SegmentationImagePipelineWithCache");
            MmarFiles.Set(f.Train, "train.image_pipeline.args.num_cache_objects", 2);
            MmarFiles.Set(f.Train, "train.image_pipeline.args.replace_percent", 0.5);
        });
        yield return T("train: Smart Cache num_cache_objects 0", Refused, f =>
        {
            MmarFiles.Set(f.Train, "train.image_pipeline.name", "SegmentationImagePipelineWithCache");
            MmarFiles.Set(f.Train, "train.image_pipeline.args.num_cache_objects", 0);
        });

        // Validation during training: Clara's validation pipelines declare the crop, yet get whole images.
        foreach (var v in new[] { "[32, 32, 16]", "[64, 64, 64]" })
            yield return T($"train: validation output_crop_size {v}", Accepted, Train("validate.image_pipeline.args.output_crop_size", J(v)));
        yield return T("train: validation output_batch_size 4", Accepted, Train("validate.image_pipeline.args.output_batch_size", J("4")));
        foreach (var v in new[] { "[64, 64]", "[0, 0, 0]", "[100000, 100000, 100000]", "[16, 16, 16]", "[-1, -1, -1]", "[32, 32, 17]" })
            yield return T($"train: roi_size {v}", Refused, Train("validate.inferer.args.roi_size", J(v)));
        yield return T("train: roi_size \"32,32,16\" (the binder's list form)", Accepted, Train("validate.inferer.args.roi_size", J("\"32,32,16\"")));
        yield return T("train: roi_size \"96,96,96\" (the binder's list form)", Refused, Train("validate.inferer.args.roi_size", J("\"96,96,96\"")));
        foreach (var (arg, v) in new[] { ("batch_size", "0"), ("overlap", "1.5"), ("mode", "\"gaussiann\"") })
            yield return T($"train: inferer args.{arg} {v}", Refused, Train($"validate.inferer.args.{arg}", J(v)));
        yield return T("train: inferer mode gaussian", Accepted, Train("validate.inferer.args.mode", J("\"gaussian\"")));
        yield return T("train: SimpleInferer on whole images with a fixed-shape network", Refused, Train("validate.inferer", J("""{ "name": "SimpleInferer" }""")));
        yield return T("train: SimpleInferer after a validation crop", Accepted, f =>
        {
            MmarFiles.Set(f.Train, "validate.inferer", J("""{ "name": "SimpleInferer" }"""));
            f.Train["validate"]!["pre_transforms"]!.AsArray().Add(J("""{ "name": "CropFixedSizeRandomCenter", "args": { "fields": ["image", "label"], "size": [32, 32, 16] } }"""));
        });
        foreach (var (arg, v) in new[] { ("field", "\"negloss\""), ("label_field", "\"lbl\""), ("field", "\"modle\"") })
            yield return T($"train: metric args.{arg} {v}", Refused, Train($"validate.metrics[0].args.{arg}", J(v)));
        yield return T("train: metric name ComputeAverageDic", Refused, Train("validate.metrics[0].name", J("\"ComputeAverageDic\"")));
        yield return T("train: ComputeAverage over NegLoss's tag", Accepted, f =>
        {
            MmarFiles.Set(f.Train, "train.aux_ops", J("""[{ "name": "NegLoss", "args": { "tag": "negloss" } }]"""));
            f.Train["validate"]!["metrics"]!.AsArray().Add(J("""{ "name": "ComputeAverage", "args": { "name": "negloss", "field": "negloss" } }"""));
        });
        yield return T("train: ComputeAverage over DiceMaskedOutput's tag as key metric", Accepted, f =>
        {
            MmarFiles.Set(f.Train, "train.aux_ops", J("""[{ "name": "DiceMaskedOutput", "args": { "tags": ["dice"] } }]"""));
            MmarFiles.Set(f.Train, "validate.metrics[0].args.is_key_metric", false);
            f.Train["validate"]!["metrics"]!.AsArray().Add(J("""{ "name": "ComputeAverage", "args": { "name": "aux_dice", "field": "dice", "is_key_metric": true } }"""));
        });
        yield return T("train: ComputeAverage over a tag no aux op makes", Refused, f =>
            f.Train["validate"]!["metrics"]!.AsArray().Add(J("""{ "name": "ComputeAverage", "args": { "name": "negloss", "field": "negloss" } }""")));

        // The data list.
        foreach (var (list, verdict) in new[] { ("training", Refused), ("validation", Refused) })
        {
            yield return T($"train: {list}[0].image missing", verdict, Data($"{list}[0].image", J("\"i/missing.nii.gz\"")));
            yield return T($"train: {list}[0].label missing", verdict, Data($"{list}[0].label", J("\"l/missing.nii.gz\"")));
            yield return T($"train: {list}[0].image a number", verdict, Data($"{list}[0].image", J("123")));
            yield return T($"train: {list}[0].image two channels", verdict, Data($"{list}[0].image", J("""["i/a.nii.gz", "i/a.nii.gz"]""")));
            yield return T($"train: {list}[0].image a folder", verdict, f =>
            {
                Directory.CreateDirectory(Path.Combine(f.Dir, "data", "i", "folder.nii.gz"));
                MmarFiles.Set(f.Dataset, $"{list}[0].image", "i/folder.nii.gz");
            });
            yield return T($"train: {list}[0].image not NIfTI", verdict, f =>
            {
                File.WriteAllText(Path.Combine(f.Dir, "data", "i", "text.nii.gz"), "not an image");
                MmarFiles.Set(f.Dataset, $"{list}[0].image", "i/text.nii.gz");
            });
            yield return T($"train: {list} empty", verdict, Data(list, J("[]")));
            yield return T($"train: {list} removed", verdict, Data(list, null));
            yield return T($"train: {list}[0] a string", verdict, Data($"{list}[0]", J("\"i/a.nii.gz\"")));
            yield return T($"train: {list}[0] with an extra value field", Accepted, Data($"{list}[0].age", J("42")));
        }
        yield return T("train: training[0].image a 4-D two-channel file", Refused, f =>
        {
            TwoChannelImage(Path.Combine(f.Dir, "data", "i", "a.nii.gz"), Path.Combine(f.Dir, "data", "i", "four_d.nii.gz"));
            MmarFiles.Set(f.Dataset, "training[0].image", "i/four_d.nii.gz");
        });
        yield return T("train: training[1].image unreadable (not the first item)", Accepted, f =>
            File.WriteAllBytes(Path.Combine(f.Dir, "data", "i", "b.nii.gz"), [0x1f, 0x8b, 8, 0, 9, 9, 9]));

        // --set.
        foreach (var set in new[] { "learning_rate=-1", "epochs=0", "epochs=-2", "num_training_epoch_per_valid=0", "MMAR_CKPT=models/none.ckpt", "use_amp=maybe", "multi_gpu=2" })
            yield return T($"train: --set {set}", Refused, _ => { }, set);
        foreach (var set in new[] { "multi_gpu=true", "learning_rate=0.01", "epochs=1" })
            yield return T($"train: --set {set}", Accepted, _ => { }, set);

        // config_validation.json.
        foreach (var section in new[] { "model_loader", "inferer" })
            yield return V($"validation: {section} removed", Refused, Eval(section, null));
        yield return V("validation: checkpoint_dir missing folder", Refused, Eval("model_loader.args.checkpoint_dir", J("\"nowhere\"")));
        yield return V("validation: checkpoint_file_prefix missing file", Refused, Eval("model_loader.args.checkpoint_file_prefix", J("\"missing.ckpt\"")));
        yield return V("validation: checkpoint not a checkpoint", Refused, f => File.WriteAllText(Path.Combine(f.Dir, "models", "model.ckpt"), "garbage"));
        yield return V("validation: checkpoint a folder", Refused, f =>
        {
            File.Delete(Path.Combine(f.Dir, "models", "model.ckpt"));
            Directory.CreateDirectory(Path.Combine(f.Dir, "models", "model.ckpt"));
        });
        yield return V("validation: FrozenGraphModelLoader with a .pb", Refused, Eval("model_loader", J("""{ "name": "FrozenGraphModelLoader", "args": { "model_file_path": "{MMAR_CKPT_DIR}/model.trt.pb" } }""")));
        yield return V("validation: FrozenGraphModelLoader with our checkpoint", Accepted, Eval("model_loader", J("""{ "name": "FrozenGraphModelLoader", "args": { "model_file_path": "{MMAR_CKPT_DIR}/model.ckpt" } }""")));
        foreach (var v in new[] { "[64, 64]", "[0, 0, 0]", "[16, 16, 16]", "[100000, 100000, 100000]", "[32, 32, 17]" })
            yield return V($"validation: roi_size {v}", Refused, Eval("inferer.args.roi_size", J(v)));
        yield return V("validation: SimpleInferer on whole images with a fixed-shape network", Refused, Eval("inferer", J("""{ "name": "SimpleInferer" }""")));
        yield return V("validation: pre_transforms field imag", Refused, Eval("pre_transforms[0].args.fields", J("\"imag\"")));
        yield return V("validation: post_transforms field modl", Refused, Eval("post_transforms[0].args.fields", J("\"modl\"")));
        // The label is still a path when the metric reads it: the run names the failure for each image and exits 1.
        yield return V("validation: label_transforms removed", Accepted, Eval("label_transforms", null));
        yield return V("validation: metric field modle", Refused, Eval("val_metrics[0].args.field", J("\"modle\"")));
        yield return V("validation: metric name ComputeAverageDic", Refused, Eval("val_metrics[0].name", J("\"ComputeAverageDic\"")));
        yield return V("validation: --set DATA_LIST_KEY=nope", Refused, _ => { }, "DATA_LIST_KEY=nope");
        yield return V("validation: validation[0].image missing", Refused, Data("validation[0].image", J("\"i/missing.nii.gz\"")));
        yield return V("validation: validation[0].image two channels", Refused, Data("validation[0].image", J("""["i/c.nii.gz", "i/c.nii.gz"]""")));
        yield return V("validation: validation[0].image not NIfTI", Refused, f =>
        {
            File.WriteAllText(Path.Combine(f.Dir, "data", "i", "text.nii.gz"), "not an image");
            MmarFiles.Set(f.Dataset, "validation[0].image", "i/text.nii.gz");
        });
        foreach (var (key, v) in new[] { ("do_validation", "false"), ("output_infer_result", "false") })
            yield return V($"validation: {key} {v}", Accepted, Eval(key, J(v)));
        yield return V("validation: do_validation \"no\"", Refused, Eval("do_validation", J("\"no\"")));
        yield return V("validation: inferer mode gaussian", Accepted, Eval("inferer.args.mode", J("\"gaussian\"")));

        foreach (var mutation in Hostile()) yield return mutation;
    }

    // What a hostile (or careless) config, data list or MMAR folder can do to lead a write out of the declared folders or
    // destroy the trained model; each one is refused before anything is written, or runs writing only where it may.
    private static IEnumerable<ConfigMutation> Hostile()
    {
        static string Away(MmarFiles f, string name) => Path.Combine(Path.GetDirectoryName(f.Dir)!, Outside, name);
        foreach (var path in new[] { "../../X", "../eval2", "/tmp/../tmp", "{MMAR_EVAL_OUTPUT_PATH}/../..", "{MMAR_ROOT}" })
            yield return V($"hostile: report_path {path}", Refused, Eval("val_metrics[0].args.report_path", J($"\"{path}\"")));
        yield return V("hostile: report_path the outside folder (absolute)", Refused, f => MmarFiles.Set(f.Validation, "val_metrics[0].args.report_path", Away(f, "")));
        foreach (var path in new[] { "{MMAR_EVAL_OUTPUT_PATH}", "{MMAR_EVAL_OUTPUT_PATH}/reports", "eval/deeper/still" })
            yield return V($"hostile: report_path {path}", Accepted, Eval("val_metrics[0].args.report_path", J($"\"{path}\"")));
        foreach (var name in new[] { "../../X", "/tmp/X", "a/b", "..", ".", "tab\tname", "nul\u0000" })
            yield return V($"hostile: metric name {name.Replace("\t", "<TAB>", StringComparison.Ordinal).Replace("\u0000", "<NUL>", StringComparison.Ordinal)} with report_path", Refused, f =>
            {
                MmarFiles.Set(f.Validation, "val_metrics[0].args.name", name);
                MmarFiles.Set(f.Validation, "val_metrics[0].args.report_path", "{MMAR_EVAL_OUTPUT_PATH}");
            });
        foreach (var name in new[] { "dice.v2", "mean dice", "Dice-é" })
            yield return V($"hostile: metric name {name}", Accepted, Eval("val_metrics[0].args.name", J($"\"{name}\"")));
        foreach (var path in new[] { "../outside", "{MMAR_EVAL_OUTPUT_PATH}/..", "/tmp", "{MMAR_CKPT_DIR}", "{MMAR_ROOT}/config" })
            yield return V($"hostile: write_path {path}", Refused, Eval("writers[0].args.write_path", J($"\"{path}\"")));
        yield return V("hostile: write_path the outside folder (absolute)", Refused, f => MmarFiles.Set(f.Validation, "writers[0].args.write_path", Away(f, "w")));
        foreach (var path in new[] { "{MMAR_EVAL_OUTPUT_PATH}/predictions", "eval" })
            yield return V($"hostile: write_path {path}", Accepted, Eval("writers[0].args.write_path", J($"\"{path}\"")));
        yield return V("hostile: writer field named ../../X", Refused, Eval("writers[0].args.field", J("\"../../X\"")));

        // SaveAsNifti, the debug writer, in either config.
        foreach (var (outDir, verdict) in new[] { ("/tmp/debug", Refused), ("../../debug", Refused), ("{MMAR_CKPT_DIR}/debug", Refused), ("debug", Accepted), ("{MMAR_EVAL_OUTPUT_PATH}/debug", Accepted) })
            yield return V($"hostile: validation SaveAsNifti out_dir {outDir}", verdict, f => f.Validation["post_transforms"]!.AsArray().Add(
                J($$"""{ "name": "SaveAsNifti", "args": { "fields": ["model"], "out_dir": "{{outDir}}" } }""")));
        yield return V("hostile: validation SaveAsNifti into the outside folder (absolute)", Refused, f => f.Validation["post_transforms"]!.AsArray().Add(
            J($$"""{ "name": "SaveAsNifti", "args": { "fields": ["model"], "out_dir": "{{Away(f, "d")}}" } }""")));
        foreach (var (outDir, verdict) in new[] { ("/tmp/debug", Refused), ("{MMAR_EVAL_OUTPUT_PATH}/debug", Refused), ("../debug", Refused), ("{MMAR_CKPT_DIR}/debug", Accepted) })
            yield return T($"hostile: training SaveAsNifti out_dir {outDir}", verdict, f => f.Train["train"]!["pre_transforms"]!.AsArray().Add(
                J($$"""{ "name": "SaveAsNifti", "args": { "fields": ["image"], "out_dir": "{{outDir}}" } }""")));

        // Links planted inside the output folders, leading out.
        yield return V("hostile: eval/c is a link to the outside folder", Refused, f =>
        {
            Directory.CreateDirectory(Path.Combine(f.Dir, "eval"));
            Directory.CreateSymbolicLink(Path.Combine(f.Dir, "eval", "c"), Away(f, ""));
        });
        yield return V("hostile: eval/per_image.csv is a link to an outside file", Refused, f =>
        {
            Directory.CreateDirectory(Path.Combine(f.Dir, "eval"));
            File.CreateSymbolicLink(Path.Combine(f.Dir, "eval", "per_image.csv"), Away(f, "keep.txt"));
        });
        yield return V("hostile: eval/c is a link inside eval", Accepted, f =>
        {
            Directory.CreateDirectory(Path.Combine(f.Dir, "eval", "elsewhere"));
            Directory.CreateSymbolicLink(Path.Combine(f.Dir, "eval", "c"), Path.Combine(f.Dir, "eval", "elsewhere"));
        });
        foreach (var file in new[] { "training.log", "model_final.ckpt", "config_train.resolved.json", "model_previous.ckpt" })
            yield return T($"hostile: models/{file} is a link to an outside file", Refused, f =>
            {
                File.Delete(Path.Combine(f.Dir, "models", file));
                File.CreateSymbolicLink(Path.Combine(f.Dir, "models", file), Away(f, "keep.txt"));
            });

        // Image names are data: made safe as output names, never refused, never a way out.
        foreach (var name in new[] { "..nii.gz", "a b;c.nii.gz", "x\u0001y.nii.gz", "-rf.nii.gz" })
            yield return V($"hostile: validation image named {name.Replace("\u0001", "<SOH>", StringComparison.Ordinal)}", Accepted, f =>
            {
                File.Copy(Path.Combine(f.Dir, "data", "i", "c.nii.gz"), Path.Combine(f.Dir, "data", "i", name));
                MmarFiles.Set(f.Dataset, "validation[0].image", $"i/{name}");
            });

        // The trained model: a run that trains nothing, or never validates, leaves it alone.
        foreach (var set in new[] { "epochs=-3", "epochs=0", "num_training_epoch_per_valid=-1" })
            yield return T($"hostile: --set {set}", Refused, _ => { }, set);
        yield return T("hostile: no validation section, model.ckpt kept", Accepted, Train("validate", null));
        yield return T("hostile: validation every 5 epochs of 1 (validates at the end)", Accepted, Train("num_training_epoch_per_valid", J("5")));
        yield return T("hostile: fine-tune from the trained model", Accepted, _ => { }, "MMAR_CKPT=models/model.ckpt");

        // Values of the wrong JSON type in the data list.
        foreach (var v in new[] { "true", "{}", "null", "[]", "[1, 2]", "\"\"" })
            yield return T($"hostile: training[0].image {v}", Refused, Data("training[0].image", J(v)));
        foreach (var v in new[] { "true", "{}", "null", "3.5" })
            yield return V($"hostile: validation[0].image {v}", Refused, Data("validation[0].image", J(v)));
        yield return V("hostile: validation[0].image a folder", Refused, f =>
        {
            Directory.CreateDirectory(Path.Combine(f.Dir, "data", "i", "dir.nii.gz"));
            MmarFiles.Set(f.Dataset, "validation[0].image", "i/dir.nii.gz");
        });
        yield return T("hostile: training[0].image escaping DATA_ROOT to a real file", Accepted, f =>
        {
            File.Copy(Path.Combine(f.Dir, "data", "i", "a.nii.gz"), Away(f, "a.nii.gz"));
            MmarFiles.Set(f.Dataset, "training[0].image", $"../../{Outside}/a.nii.gz");
        });
    }

    // A 4-D file whose fourth dimension holds two copies of the image: two channels, as LoadNifti reads it.
    private static void TwoChannelImage(string source, string target)
    {
        using var image = Pipeline.ImageIO.Nifti.NiftiReader.Read(source);
        using var data = TorchSharp.torch.cat([image.Data, image.Data], 0);
        using var twoChannels = new Pipeline.Imaging.MedicalImage(data, image.Affine);
        Pipeline.ImageIO.Nifti.NiftiWriter.Write(twoChannels, target);
    }
}
