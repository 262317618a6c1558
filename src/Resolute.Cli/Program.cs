using Resolute.Cli;

return await ResoluteCli.RunAsync(args, ResoluteCli.CreateDefault()).ConfigureAwait(false);
