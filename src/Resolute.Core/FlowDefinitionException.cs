using System.Text;

namespace Resolute;

/// <summary>
/// <see cref="FlowBuilder.Build"/> found problems in a flow definition. <see cref="Problems"/> lists every one of
/// them (not just the first), each saying what is wrong, where, and how to fix it.
/// </summary>
public sealed class FlowDefinitionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FlowDefinitionException(string flowName, IReadOnlyList<string> problems)
        : base(Format(flowName, problems))
    {
        FlowName = flowName;
        Problems = problems;
    }

    /// <summary>The flow's name as given to <c>Flow.Create</c>.</summary>
    public string FlowName { get; }

    /// <summary>Every problem found, in definition order.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string flowName, IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var text = new StringBuilder();
        text.Append("Flow '").Append(flowName).Append("' is not valid: ")
            .Append(problems.Count).Append(problems.Count == 1 ? " problem" : " problems").Append(':');
        for (var i = 0; i < problems.Count; i++)
        {
            text.AppendLine().Append("  ").Append(i + 1).Append(". ").Append(problems[i]);
        }

        return text.ToString();
    }
}
