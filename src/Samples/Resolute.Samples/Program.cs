using Resolute.Samples;

// The samples console: `dotnet run --project src/Samples/Resolute.Samples -- <sample> [options]`; no argument or
// --help lists the samples. Exit code 0: the sample ended as it should (completed, or compensated where that is its
// point); 1: it did not; 2: bad arguments or settings.
return await SampleCommand.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
