using System.CommandLine;

namespace Resolute.Cli.Commands;

/// <summary>The <c>&lt;runId&gt;</c> argument, with an error that says what a run id looks like.</summary>
internal static class RunIdArgument
{
    public static Argument<Guid> Create() => new("runId")
    {
        Description = "The run's id (a GUID, as start printed it).",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (Guid.TryParse(text, out var id))
            {
                return id;
            }

            result.AddError($"'{text}' is not a run id; a run id is a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301");
            return Guid.Empty;
        },
    };
}
