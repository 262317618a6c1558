using System.Text;
using System.Text.Json;
using Resolute.Contracts;
using Resolute.Serialization;

namespace Resolute.Orchestration.Decisions;

/// <summary>Computes a node's input JSON from the live state (its <c>WithInput</c>, its static input, or the run input).</summary>
internal static class NodeInputs
{
    /// <summary>The input as JSON, or the error that stops the node (a throwing <c>WithInput</c>, bad run input, too large).</summary>
    public static bool TryCompute(RunTurn turn, Node node, out string? json, out ErrorInfo? error)
    {
        try
        {
            var input = node.ResolveInput(turn.State.Data);
            json = JsonSerializer.Serialize(input, node.InputType, ResoluteJson.Options);
        }
        catch (Exception e)
        {
            json = null;
            var fromRunInput = !node.HasInputFunction && !node.HasStaticInput;
            var source = node.HasInputFunction ? "its WithInput function threw" : node.HasStaticInput ? "its static input could not be serialised" : "the run input could not be read as its input type";
            error = new ErrorInfo
            {
                // A run input of the wrong shape is bad input, like input that is not JSON; other failures keep their type.
                Type = fromRunInput ? ErrorTypes.InvalidInput : e.GetType().FullName ?? "Exception",
                Message = $"The input of node '{node.Name}' could not be computed: {source}. {e.Message}",
                StackTrace = e.StackTrace,
            };
            return false;
        }

        var size = Encoding.UTF8.GetByteCount(json);
        if (size > turn.Options.MaxPayloadBytes)
        {
            error = new ErrorInfo
            {
                Type = ErrorTypes.PayloadTooLarge,
                Message = $"The input of node '{node.Name}' is {size} bytes; the limit is {turn.Options.MaxPayloadBytes} bytes (OrchestratorOptions.MaxPayloadBytes). Pass a reference instead of the data.",
            };
            json = null;
            return false;
        }

        error = null;
        return true;
    }
}
