using Pipeline.Runner;

return await MmarCli.RunAsync(args);
