using System.Text;
using System.Text.Json;
using Resolute.Contracts;
using Resolute.Orchestration.Runs;
using Resolute.Planning;
using Resolute.Serialization;

namespace Resolute.Orchestration.Decisions;

/// <summary>
/// The orchestrator's rules, as a pure function of (run, message) → (changed run, commands, events). The saga's
/// handlers only call these methods and carry out the decision, so every semantic rule of a run — sequencing,
/// parallel joins, conditionals, retries, failure, compensation order, cancellation — is testable without a broker.
/// </summary>
public sealed class FlowRunDecider
{
    private readonly FlowRegistry _registry;
    private readonly TimeProvider _time;
    private readonly OrchestratorOptions _options;

    /// <summary>Creates a decider over the flows of <paramref name="registry"/>.</summary>
    public FlowRunDecider(FlowRegistry registry, TimeProvider time, OrchestratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _registry = registry;
        _time = time;
        _options = options;
    }

    /// <summary>A new run: look the flow up, read the input, dispatch the first step.</summary>
    public FlowRunDecision Start(FlowRun run, StartFlow message)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(message);
        var now = _time.GetUtcNow();
        run.CorrelationId = message.RunId;
        run.FlowName = message.FlowName ?? string.Empty;
        run.IdempotencyKey = message.IdempotencyKey;
        run.CreatedAt = now;
        run.UpdatedAt = now;
        var decision = new FlowRunDecision { Status = RunStatus.Running };

        if (string.IsNullOrWhiteSpace(message.FlowName) || !_registry.TryGet(message.FlowName, out var registered))
        {
            var progress = new FlowRunProgress();
            var error = new RunError
            {
                FlowName = run.FlowName,
                Error = new ErrorInfo
                {
                    Type = "Resolute.UnknownFlow",
                    Message = $"No flow named '{message.FlowName}' is registered with the orchestrator. Registered flows: {_registry.DescribeNames()}. " +
                              "Register the flow with AddResolute(r => r.AddFlow(flow)) on the orchestrator, or check the name.",
                },
                OccurredAt = now,
            };
            progress.Error = error;
            run.ProgressJson = progress.ToJson();
            run.StateJson = new FlowState().ToJson();
            EndFailed(run, progress, RunStatus.Failed, decision, now);
            return decision;
        }

        run.FlowVersion = registered.Flow.Version;
        var runContext = new RunContext(run, registered, new FlowState(), new FlowRunProgress(), decision, now);
        if (!string.IsNullOrWhiteSpace(message.InputJson))
        {
            if (Encoding.UTF8.GetByteCount(message.InputJson) > _options.MaxPayloadBytes)
            {
                FailBeforeStart(runContext, "Resolute.PayloadTooLarge",
                    $"The run input is {Encoding.UTF8.GetByteCount(message.InputJson)} bytes; the limit is {_options.MaxPayloadBytes} bytes (OrchestratorOptions.MaxPayloadBytes). Pass a reference (an id, a blob URL) instead of the data.");
                return decision;
            }

            try
            {
                using var document = JsonDocument.Parse(message.InputJson);
                runContext.State = new FlowState(document.RootElement);
            }
            catch (JsonException e)
            {
                FailBeforeStart(runContext, "Resolute.InvalidInput", $"The run input is not valid JSON: {e.Message}");
                return decision;
            }
        }

        decision.Events.Add(new FlowRunStarted { RunId = run.CorrelationId, FlowName = run.FlowName, FlowVersion = run.FlowVersion, StartedAt = now });
        Advance(runContext);
        runContext.Save();
        return decision;
    }

    /// <summary>A worker reports a node attempt completed.</summary>
    public FlowRunDecision NodeCompleted(FlowRun run, NodeCompleted message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var context = Load(run, out var ignored);
        if (context is null)
        {
            return ignored!;
        }

        if (!TryFindPending(context, message.ExecutionId, message.NodeName, "reply", out var execution, out var stale))
        {
            return stale;
        }

        var node = context.Flow.Flow.GetNode(execution.NodeName);
        if (message.OutputJson is { } outputJson && Encoding.UTF8.GetByteCount(outputJson) > _options.MaxPayloadBytes)
        {
            return Failed(context, execution, RejectedOutput(message, "Resolute.PayloadTooLarge",
                $"Node '{node.Name}' returned {Encoding.UTF8.GetByteCount(outputJson)} bytes of output; the limit is {_options.MaxPayloadBytes} bytes (OrchestratorOptions.MaxPayloadBytes). Return a reference instead of the data."));
        }

        JsonElement output;
        try
        {
            using var document = JsonDocument.Parse(message.OutputJson ?? "null");
            output = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Failed(context, execution, RejectedOutput(message, "Resolute.InvalidOutput", $"Node '{node.Name}' returned output that is not valid JSON: {e.Message}"));
        }

        execution.Outcome = NodeExecutionOutcome.Completed;
        execution.StartedAt = message.StartedAt;
        execution.EndedAt = message.CompletedAt;
        execution.WorkerId = message.WorkerId;

        if (execution.IsCompensation)
        {
            context.Decision.Events.Add(new FlowRunCompensationCompleted
            {
                RunId = context.Run.CorrelationId,
                FlowName = context.Run.FlowName,
                CompensationNode = execution.NodeName,
                ForNode = execution.CompensatesNode ?? string.Empty,
                CompletedAt = context.Now,
            });
            NextCompensation(context);
        }
        else
        {
            context.State.SetJson(node.OutputKey, output, ResoluteJson.TypeName(node.OutputType));
            context.Progress.CompletedNodes.Add(node.Name);
            AfterStepNodeEnded(context);
        }

        context.Save();
        return context.Decision;
    }

    /// <summary>A worker reports a node attempt failed.</summary>
    public FlowRunDecision NodeFailed(FlowRun run, NodeFailed message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var context = Load(run, out var ignored);
        if (context is null)
        {
            return ignored!;
        }

        if (!TryFindPending(context, message.ExecutionId, message.NodeName, "failure", out var execution, out var stale))
        {
            return stale;
        }

        return Failed(context, execution, message);
    }

    /// <summary>A timer fired: dispatch due retries, and count attempts past their deadline as failed.</summary>
    public FlowRunDecision Wake(FlowRun run)
    {
        var context = Load(run, out var ignored);
        if (context is null)
        {
            return ignored!;
        }

        var acted = false;
        foreach (var execution in context.Progress.Executions.ToList())
        {
            if (execution.Outcome == NodeExecutionOutcome.RetryScheduled && execution.RetryAt <= context.Now)
            {
                acted = true;
                if (context.Progress.StepFailed && !execution.IsCompensation)
                {
                    // The step already failed: nothing new is dispatched.
                    execution.Outcome = NodeExecutionOutcome.Abandoned;
                    execution.EndedAt = context.Now;
                    AfterStepNodeEnded(context);
                }
                else
                {
                    Dispatch(context, execution, context.Flow.Flow.GetNode(execution.NodeName));
                }
            }
            else if (execution.Outcome == NodeExecutionOutcome.Pending && execution.DeadlineAt <= context.Now)
            {
                acted = true;
                var timeout = new NodeFailed
                {
                    RunId = run.CorrelationId,
                    ExecutionId = execution.ExecutionId,
                    NodeName = execution.NodeName,
                    Attempt = execution.Attempt,
                    Retryable = true,
                    Error = new ErrorInfo
                    {
                        Type = "Resolute.DeadlineExceeded",
                        Message = $"No reply for node '{execution.NodeName}' attempt {execution.Attempt} by {execution.DeadlineAt:O} (node timeout plus {_options.DeadlineGrace.TotalSeconds:0}s grace); the worker may have stopped. The attempt counts as failed.",
                    },
                    StartedAt = execution.DispatchedAt,
                    FailedAt = context.Now,
                };
                ApplyFailure(context, execution, timeout);
            }
        }

        if (!acted)
        {
            return Ignore(context, "no timer was due");
        }

        context.Save();
        return context.Decision;
    }

    /// <summary>Cancel: stop dispatching, wait for running nodes, compensate completed ones, end Cancelled.</summary>
    public FlowRunDecision Cancel(FlowRun run, CancelFlowRun message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var context = Load(run, out var ignored);
        if (context is null)
        {
            return ignored!;
        }

        if (context.Progress.CancelReason is not null)
        {
            return Ignore(context, "the run is already being cancelled");
        }

        if (context.Decision.Status != RunStatus.Running || context.Progress.StepFailed)
        {
            // Already failing (waiting for running siblings, or compensating): the run ends with its original error.
            return Ignore(context, $"the run is {(context.Progress.StepFailed ? "failing" : context.Decision.Status.ToString())}, it cannot be cancelled any more");
        }

        context.Progress.CancelReason = string.IsNullOrWhiteSpace(message.Reason) ? "cancelled" : message.Reason;
        if (context.Progress.Error is null)
        {
            context.Progress.Error = new RunError
            {
                FlowName = run.FlowName,
                StepName = run.CurrentStep,
                Error = new ErrorInfo { Type = "Resolute.RunCancelled", Message = $"The run was cancelled: {context.Progress.CancelReason}" },
                OccurredAt = context.Now,
            };
        }

        // Running nodes are told to stop (their tokens fire); their replies then end the step.
        var running = context.Progress.Executions.Where(e => e.Outcome == NodeExecutionOutcome.Pending).Select(e => e.ExecutionId).ToList();
        if (running.Count > 0)
        {
            context.Decision.Events.Add(new CancelNodeExecutions { RunId = run.CorrelationId, ExecutionIds = running, Reason = context.Progress.CancelReason });
        }

        context.Progress.StepFailed = true;
        AfterStepNodeEnded(context);

        context.Save();
        return context.Decision;
    }

    /// <summary>A completed attempt whose output the orchestrator cannot accept counts as a non-retryable failure.</summary>
    private static NodeFailed RejectedOutput(NodeCompleted message, string type, string text) => new()
    {
        RunId = message.RunId,
        ExecutionId = message.ExecutionId,
        NodeName = message.NodeName,
        Attempt = message.Attempt,
        Retryable = false,
        Error = new ErrorInfo { Type = type, Message = text },
        StartedAt = message.StartedAt,
        FailedAt = message.CompletedAt,
        WorkerId = message.WorkerId,
    };

    private FlowRunDecision Failed(RunContext context, NodeExecution execution, NodeFailed message)
    {
        ApplyFailure(context, execution, message);
        context.Save();
        return context.Decision;
    }

    private void ApplyFailure(RunContext context, NodeExecution execution, NodeFailed message)
    {
        execution.Outcome = NodeExecutionOutcome.Failed;
        execution.StartedAt = message.StartedAt;
        execution.EndedAt = message.FailedAt;
        execution.WorkerId = message.WorkerId;
        execution.Error = message.Error;

        var node = context.Flow.Flow.GetNode(execution.NodeName);
        var policy = node.RetryPolicy;
        var mayRetry = message.Retryable
                       && policy.AllowsAnotherAttempt(execution.Attempt)
                       && (execution.IsCompensation || !context.Progress.StepFailed);
        context.Decision.Events.Add(new FlowRunNodeFailed
        {
            RunId = context.Run.CorrelationId,
            FlowName = context.Run.FlowName,
            StepName = execution.StepName,
            NodeName = execution.NodeName,
            Attempt = execution.Attempt,
            IsCompensation = execution.IsCompensation,
            Error = message.Error,
            WillRetry = mayRetry,
            FailedAt = context.Now,
        });
        if (mayRetry)
        {
            var next = new NodeExecution
            {
                ExecutionId = Guid.NewGuid(),
                NodeName = execution.NodeName,
                StepName = execution.StepName,
                Attempt = execution.Attempt + 1,
                IsCompensation = execution.IsCompensation,
                CompensatesNode = execution.CompensatesNode,
                InputJson = execution.InputJson,
                Outcome = NodeExecutionOutcome.RetryScheduled,
                DispatchedAt = context.Now,
                // The back-off counts from when the attempt failed, not from when its reply reached the orchestrator
                // (a worker clock running ahead cannot push the retry into the future).
                RetryAt = Earliest(message.FailedAt, context.Now) + policy.GetDelayBefore(execution.Attempt + 1),
            };
            context.Progress.Executions.Add(next);
            context.Decision.Events.Add(new FlowRunRetryScheduled
            {
                RunId = context.Run.CorrelationId,
                FlowName = context.Run.FlowName,
                NodeName = next.NodeName,
                NextAttempt = next.Attempt,
                DueAt = next.RetryAt!.Value,
            });
            return;
        }

        var error = new RunError
        {
            FlowName = context.Run.FlowName,
            StepName = execution.StepName,
            NodeName = execution.NodeName,
            Attempt = execution.Attempt,
            Error = message.Error,
            OccurredAt = context.Now,
        };

        if (execution.IsCompensation)
        {
            // A failed compensation does not stop the others; it is recorded and the run ends CompensationFailed.
            context.Progress.CompensationErrors.Add(error);
            context.Decision.Events.Add(new FlowRunCompensationFailed
            {
                RunId = context.Run.CorrelationId,
                FlowName = context.Run.FlowName,
                CompensationNode = execution.NodeName,
                ForNode = execution.CompensatesNode ?? string.Empty,
                Error = error,
            });
            NextCompensation(context);
            return;
        }

        // Rule 1: the step fails at the first error; only that error becomes the run's error.
        context.Progress.Error ??= error;
        context.Progress.StepFailed = true;
        AfterStepNodeEnded(context);
    }

    /// <summary>After a step node ended (completed, failed for good, abandoned): advance, or once nothing runs any more, compensate.</summary>
    private void AfterStepNodeEnded(RunContext context)
    {
        if (context.Decision.Status != RunStatus.Running)
        {
            return;
        }

        var stepOpen = context.Progress.Open.Any(e => !e.IsCompensation);
        if (context.Progress.StepFailed)
        {
            // Rule 2: running nodes are not killed; wait for them before compensating.
            foreach (var scheduled in context.Progress.Executions.Where(e => !e.IsCompensation && e.Outcome == NodeExecutionOutcome.RetryScheduled))
            {
                scheduled.Outcome = NodeExecutionOutcome.Abandoned;
                scheduled.EndedAt = context.Now;
            }

            if (!context.Progress.Open.Any(e => !e.IsCompensation))
            {
                BeginCompensation(context);
            }

            return;
        }

        if (!stepOpen)
        {
            context.Run.Cursor++;
            Advance(context);
        }
    }

    /// <summary>Walks the plan from the cursor until a step is dispatched or the plan ends.</summary>
    private void Advance(RunContext context)
    {
        var instructions = context.Flow.Flow.Plan.Instructions;
        // Bounded: each instruction is visited at most once per call (jumps only go forward).
        while (true)
        {
            if (context.Run.Cursor >= instructions.Count)
            {
                Complete(context);
                return;
            }

            switch (instructions[context.Run.Cursor])
            {
                case JumpInstruction jump:
                    context.Run.Cursor = jump.Target;
                    continue;

                case BranchInstruction branch:
                    context.Run.CurrentStep = branch.Step.Name;
                    bool taken;
                    try
                    {
                        taken = branch.Step.Predicate(context.State);
                    }
                    catch (Exception e)
                    {
                        FailStepBeforeDispatch(context, branch.Step.Name, null,
                            new ErrorInfo { Type = e.GetType().FullName ?? "Exception", Message = $"The predicate of When '{branch.Step.Name}' threw: {e.Message}", StackTrace = e.StackTrace });
                        return;
                    }

                    context.Run.Cursor = taken ? branch.Index + 1 : branch.ElseIndex;
                    continue;

                case ExecuteInstruction execute:
                    context.Run.CurrentStep = execute.Step.Name;
                    DispatchStep(context, execute.Step);
                    return;

                default:
                    throw new InvalidOperationException($"Unknown plan instruction {instructions[context.Run.Cursor]}.");
            }
        }
    }

    private void DispatchStep(RunContext context, ExecutionStep step)
    {
        // Inputs are computed first, for all nodes: if one cannot be computed, none is dispatched.
        var inputs = new List<(Node Node, string Json)>(step.Nodes.Count);
        foreach (var node in step.Nodes)
        {
            if (!TryComputeInput(context, node, out var json, out var error))
            {
                FailStepBeforeDispatch(context, step.Name, node.Name, error!);
                return;
            }

            inputs.Add((node, json!));
        }

        foreach (var (node, json) in inputs)
        {
            var execution = new NodeExecution
            {
                ExecutionId = Guid.NewGuid(),
                NodeName = node.Name,
                StepName = step.Name,
                Attempt = 1,
                InputJson = json,
            };
            context.Progress.Executions.Add(execution);
            Dispatch(context, execution, node);
        }
    }

    private bool TryComputeInput(RunContext context, Node node, out string? json, out ErrorInfo? error)
    {
        try
        {
            var input = node.ResolveInput(context.State);
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
                Type = fromRunInput ? "Resolute.InvalidInput" : e.GetType().FullName ?? "Exception",
                Message = $"The input of node '{node.Name}' could not be computed: {source}. {e.Message}",
                StackTrace = e.StackTrace,
            };
            return false;
        }

        var size = Encoding.UTF8.GetByteCount(json);
        if (size > _options.MaxPayloadBytes)
        {
            error = new ErrorInfo
            {
                Type = "Resolute.PayloadTooLarge",
                Message = $"The input of node '{node.Name}' is {size} bytes; the limit is {_options.MaxPayloadBytes} bytes (OrchestratorOptions.MaxPayloadBytes). Pass a reference instead of the data.",
            };
            json = null;
            return false;
        }

        error = null;
        return true;
    }

    private void Dispatch(RunContext context, NodeExecution execution, Node node)
    {
        execution.Outcome = NodeExecutionOutcome.Pending;
        execution.DispatchedAt = context.Now;
        execution.RetryAt = null;
        execution.DeadlineAt = context.Now + node.Timeout + _options.DeadlineGrace;
        context.Decision.Dispatches.Add(new NodeDispatch(context.Flow.QueueOf(node), new ExecuteNode
        {
            RunId = context.Run.CorrelationId,
            ExecutionId = execution.ExecutionId,
            FlowName = context.Run.FlowName,
            FlowVersion = context.Run.FlowVersion,
            NodeName = node.Name,
            StepName = execution.StepName,
            Attempt = execution.Attempt,
            IdempotencyKey = NodeContext.CreateIdempotencyKey(context.Run.CorrelationId, node.Name),
            InputJson = execution.InputJson,
            IsCompensation = execution.IsCompensation,
            Timeout = node.Timeout,
            DispatchedAt = context.Now,
        }));
    }

    /// <summary>A failure found by the orchestrator itself (input, predicate): no retry; compensation starts once nothing runs.</summary>
    private void FailStepBeforeDispatch(RunContext context, string stepName, string? nodeName, ErrorInfo error)
    {
        context.Progress.Error ??= new RunError
        {
            FlowName = context.Run.FlowName,
            StepName = stepName,
            NodeName = nodeName,
            Attempt = nodeName is null ? 0 : 1,
            Error = error,
            OccurredAt = context.Now,
        };
        context.Progress.StepFailed = true;
        AfterStepNodeEnded(context);
    }

    private static void FailBeforeStart(RunContext context, string type, string message)
    {
        context.Progress.Error = new RunError
        {
            FlowName = context.Run.FlowName,
            Error = new ErrorInfo { Type = type, Message = message },
            OccurredAt = context.Now,
        };
        context.Save();
        EndFailed(context.Run, context.Progress, RunStatus.Failed, context.Decision, context.Now);
    }

    private void BeginCompensation(RunContext context)
    {
        // Rule 3: every completed step node with a compensation, in reverse completion order.
        var stepOf = context.Progress.Executions
            .Where(e => !e.IsCompensation && e.Outcome == NodeExecutionOutcome.Completed)
            .GroupBy(e => e.NodeName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().StepName, StringComparer.Ordinal);
        context.Progress.CompensationQueue = context.Progress.CompletedNodes
            .AsEnumerable()
            .Reverse()
            .Select(name => context.Flow.Flow.GetNode(name))
            .Where(node => node.Compensation is not null)
            .Select(node => new PendingCompensation(node.Compensation!.Name, node.Name, stepOf.GetValueOrDefault(node.Name, string.Empty)))
            .ToList();
        context.Decision.Status = RunStatus.Compensating;
        NextCompensation(context);
    }

    private void NextCompensation(RunContext context)
    {
        while (context.Progress.CompensationQueue.Count > 0)
        {
            var next = context.Progress.CompensationQueue[0];
            context.Progress.CompensationQueue.RemoveAt(0);
            var node = context.Flow.Flow.GetNode(next.CompensationNode);
            var execution = new NodeExecution
            {
                ExecutionId = Guid.NewGuid(),
                NodeName = node.Name,
                StepName = next.StepName,
                Attempt = 1,
                IsCompensation = true,
                CompensatesNode = next.ForNode,
            };
            context.Progress.Executions.Add(execution);
            if (!TryComputeInput(context, node, out var json, out var error))
            {
                execution.Outcome = NodeExecutionOutcome.Failed;
                execution.EndedAt = context.Now;
                execution.Error = error;
                context.Progress.CompensationErrors.Add(new RunError
                {
                    FlowName = context.Run.FlowName,
                    StepName = next.StepName,
                    NodeName = node.Name,
                    Attempt = 1,
                    Error = error!,
                    OccurredAt = context.Now,
                });
                continue;
            }

            execution.InputJson = json;
            Dispatch(context, execution, node);
            context.Decision.Events.Add(new FlowRunCompensationStarted
            {
                RunId = context.Run.CorrelationId,
                FlowName = context.Run.FlowName,
                CompensationNode = node.Name,
                ForNode = next.ForNode,
                StartedAt = context.Now,
            });
            return;
        }

        // Nothing left to compensate.
        var status = context.Progress.CompensationErrors.Count > 0
            ? RunStatus.CompensationFailed
            : context.Progress.CancelReason is not null ? RunStatus.Cancelled : RunStatus.Failed;
        context.Save();
        EndFailed(context.Run, context.Progress, status, context.Decision, context.Now);
    }

    private static void Complete(RunContext context)
    {
        context.Decision.Status = RunStatus.Completed;
        context.Run.EndedAt = context.Now;
        context.Run.CurrentStep = null;
        context.Save();
        context.Decision.Events.Add(new FlowRunCompleted
        {
            RunId = context.Run.CorrelationId,
            FlowName = context.Run.FlowName,
            StateJson = context.Run.StateJson,
            CompletedAt = context.Now,
        });
    }

    private static void EndFailed(FlowRun run, FlowRunProgress progress, RunStatus status, FlowRunDecision decision, DateTimeOffset now)
    {
        foreach (var open in progress.Open)
        {
            open.Outcome = NodeExecutionOutcome.Abandoned;
            open.EndedAt = now;
        }

        decision.Status = status;
        run.EndedAt = now;
        run.UpdatedAt = now;
        run.NextWakeAt = null;
        run.ErrorSummary = Truncate(progress.Error?.ToString(), 2000);
        run.ProgressJson = progress.ToJson();
        decision.Events.Add(new FlowRunFailed
        {
            RunId = run.CorrelationId,
            FlowName = run.FlowName,
            Status = status,
            Error = progress.Error ?? new RunError { FlowName = run.FlowName, Error = new ErrorInfo { Type = "Resolute.Unknown", Message = "The run failed." } },
            CompensationErrors = progress.CompensationErrors.ToList(),
            FailedAt = now,
        });
        if (status == RunStatus.Cancelled)
        {
            decision.Events.Add(new FlowRunCancelled { RunId = run.CorrelationId, FlowName = run.FlowName, Reason = progress.CancelReason, CancelledAt = now });
        }
    }

    private RunContext? Load(FlowRun run, out FlowRunDecision? ignored)
    {
        ArgumentNullException.ThrowIfNull(run);
        var decision = new FlowRunDecision { Status = run.Status };
        ignored = null;
        if (run.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.CompensationFailed or RunStatus.Cancelled)
        {
            decision.Ignored = true;
            decision.IgnoredReason = $"the run already ended {run.Status}";
            ignored = decision;
            return null;
        }

        if (!_registry.TryGet(run.FlowName, out var registered) || registered.Flow.Version != run.FlowVersion)
        {
            // The definition changed or vanished under a running run: stop it with a clear error, never guess.
            var progress = FlowRunProgress.FromJson(run.ProgressJson);
            progress.Error ??= new RunError
            {
                FlowName = run.FlowName,
                StepName = run.CurrentStep,
                Error = new ErrorInfo
                {
                    Type = "Resolute.FlowVersionMismatch",
                    Message = registered is null
                        ? $"Flow '{run.FlowName}' is no longer registered with this orchestrator (registered: {_registry.DescribeNames()})."
                        : $"Run follows flow '{run.FlowName}' version {run.FlowVersion}, but this orchestrator has version {registered.Flow.Version}. Keep the old definition registered until its runs end.",
                },
                OccurredAt = _time.GetUtcNow(),
            };
            EndFailed(run, progress, RunStatus.Failed, decision, _time.GetUtcNow());
            ignored = decision;
            return null;
        }

        return new RunContext(run, registered, FlowState.FromJson(run.StateJson), FlowRunProgress.FromJson(run.ProgressJson), decision, _time.GetUtcNow());
    }

    /// <summary>The pending execution a worker's message is about; a reply for an unknown or already ended attempt is ignored.</summary>
    private static bool TryFindPending(RunContext context, Guid executionId, string nodeName, string kind,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NodeExecution? execution,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out FlowRunDecision? ignored)
    {
        execution = context.Progress.Find(executionId);
        if (execution is { Outcome: NodeExecutionOutcome.Pending })
        {
            ignored = null;
            return true;
        }

        ignored = Ignore(context, execution is null
            ? $"{kind} for unknown execution {executionId} of node '{nodeName}'"
            : $"duplicate or late {kind} for node '{execution.NodeName}' attempt {execution.Attempt} (already {execution.Outcome})");
        execution = null;
        return false;
    }

    private static FlowRunDecision Ignore(RunContext context, string reason)
    {
        context.Decision.Ignored = true;
        context.Decision.IgnoredReason = reason;
        return context.Decision;
    }

    private static DateTimeOffset Earliest(DateTimeOffset failedAt, DateTimeOffset now) => failedAt == default || failedAt > now ? now : failedAt;

    private static string? Truncate(string? text, int max) => text is null || text.Length <= max ? text : text[..max];

    private sealed class RunContext(FlowRun run, RegisteredFlow flow, FlowState state, FlowRunProgress progress, FlowRunDecision decision, DateTimeOffset now)
    {
        public FlowRun Run { get; } = run;

        public RegisteredFlow Flow { get; } = flow;

        public FlowState State { get; set; } = state;

        public FlowRunProgress Progress { get; } = progress;

        public FlowRunDecision Decision { get; } = decision;

        public DateTimeOffset Now { get; } = now;

        public void Save()
        {
            Run.StateJson = State.ToJson();
            Run.ProgressJson = Progress.ToJson();
            Run.UpdatedAt = Now;
            Run.NextWakeAt = Progress.Open
                .Select(e => e.Outcome == NodeExecutionOutcome.RetryScheduled ? e.RetryAt : e.DeadlineAt)
                .Where(t => t is not null)
                .DefaultIfEmpty(null)
                .Min();
        }
    }
}
