using Resolute.Planning;

namespace Resolute;

/// <summary>
/// Describes a flow step by step. Mistakes are collected, not thrown one by one: <see cref="Build"/> validates the
/// whole definition and throws one <see cref="FlowDefinitionException"/> listing every problem.
/// </summary>
public sealed class FlowBuilder
{
    private readonly string _name;
    private readonly List<(Trigger Trigger, int Call)> _triggers = [];
    private readonly List<PlanStep> _rootSteps = [];
    private readonly Stack<ConditionalFrame> _open = new();
    private readonly ProblemList _structureProblems = new();

    // The builder call that added each step (its position in the definition), so that problems found in Build() are
    // reported in definition order together with those found while building.
    private readonly Dictionary<PlanStep, int> _stepCalls = new(ReferenceEqualityComparer.Instance);
    private int _whenCount;

    // Counts the builder calls; Flow.Create is call 0.
    private int _calls;

    internal FlowBuilder(string name) => _name = name;

    /// <summary>Adds a trigger. A flow needs at least one; several are allowed (e.g. a schedule and manual starts).</summary>
    public FlowBuilder TriggeredBy(Trigger trigger)
    {
        var call = ++_calls;
        if (trigger is null)
        {
            _structureProblems.Add(call, "TriggeredBy(null): pass Trigger.Manual(...) or Trigger.Schedule(...).");
            return this;
        }

        _triggers.Add((trigger, call));
        return this;
    }

    /// <summary>Runs <paramref name="node"/> after the previous step completed.</summary>
    public FlowBuilder Then(Node node)
    {
        var call = ++_calls;
        if (node is null)
        {
            _structureProblems.Add(call, $"{Where()}: Then(null) — pass a node created with Node.Create.");
            return this;
        }

        AddStep(new NodeStep(node), call);
        return this;
    }

    /// <summary>
    /// Runs all <paramref name="nodes"/> at once after the previous step completed; the next step starts when every
    /// one of them completed. The first failure fails the step.
    /// </summary>
    /// <param name="name">A descriptive name for the group, e.g. <c>"enrich-sources"</c>.</param>
    /// <param name="nodes">The nodes to run concurrently.</param>
    public FlowBuilder ThenParallel(string name, params Node[] nodes)
    {
        var call = ++_calls;
        var where = $"{Where()}: parallel step '{name}'";
        if (string.IsNullOrWhiteSpace(name))
        {
            _structureProblems.Add(call, $"{Where()}: ThenParallel needs a non-empty name, e.g. ThenParallel(\"enrich-sources\", …).");
        }

        nodes ??= [];
        if (nodes.Length == 0)
        {
            _structureProblems.Add(call, $"{where} has no nodes; pass at least one node or remove the step.");
        }

        var present = new List<Node>(nodes.Length);
        for (var i = 0; i < nodes.Length; i++)
        {
            if (nodes[i] is null)
            {
                _structureProblems.Add(call, $"{where}: node #{i + 1} is null; every node of a parallel step must be created with Node.Create.");
            }
            else
            {
                present.Add(nodes[i]);
            }
        }

        AddStep(new ParallelStep(name ?? string.Empty, present), call);
        return this;
    }

    /// <summary>Starts a conditional block; the predicate is evaluated once, when the block is reached.</summary>
    public FlowBuilder When(Func<FlowState, bool> predicate) => When($"when-{_whenCount + 1}", predicate);

    /// <summary>Starts a named conditional block; the name shows in run history and errors.</summary>
    public FlowBuilder When(string name, Func<FlowState, bool> predicate)
    {
        _whenCount++;
        var frame = new ConditionalFrame(name ?? string.Empty, predicate, Where(), ++_calls);
        if (predicate is null)
        {
            _structureProblems.Add(frame.Call, $"{frame.Where}: When '{name}' has a null predicate.");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            _structureProblems.Add(frame.Call, $"{frame.Where}: When needs a non-empty name.");
        }

        _open.Push(frame);
        return this;
    }

    /// <summary>Starts the branch taken when the predicate of the open <c>When</c> is false. Optional.</summary>
    public FlowBuilder Else()
    {
        var call = ++_calls;
        if (_open.Count == 0)
        {
            _structureProblems.Add(call, $"{Where()}: Else() without a matching When(...).");
            return this;
        }

        var frame = _open.Peek();
        if (frame.InElse)
        {
            _structureProblems.Add(call, $"{Where()}: Else() called twice for When '{frame.Name}'; a When block has at most one Else.");
            return this;
        }

        frame.InElse = true;
        return this;
    }

    /// <summary>Closes the open <c>When</c> block.</summary>
    public FlowBuilder EndWhen()
    {
        var call = ++_calls;
        if (_open.Count == 0)
        {
            _structureProblems.Add(call, $"{Where()}: EndWhen() without a matching When(...).");
            return this;
        }

        Close(_open.Pop());
        return this;
    }

    /// <summary>
    /// Validates the definition and compiles it into an immutable <see cref="Flow"/>.
    /// </summary>
    /// <exception cref="FlowDefinitionException">Lists every problem found, in definition order.</exception>
    /// <remarks>
    /// Definition order: what concerns the flow as a whole (its name, a missing trigger, no steps) first, then each problem
    /// at the builder call it belongs to — a node's settings at the <c>Then</c>/<c>ThenParallel</c> that added it, a
    /// <c>When</c> block's at its <c>When</c> — whether it was found while building or by this validation.
    /// </remarks>
    public Flow Build()
    {
        const int FlowLevel = 0;
        var problems = new ProblemList();
        if (string.IsNullOrWhiteSpace(_name))
        {
            problems.Add(FlowLevel, "The flow name is empty; pass a name to Flow.Create, e.g. Flow.Create(\"enrich-issues\").");
        }

        problems.AddRange(_structureProblems);

        // Unclosed blocks are reported, then closed so the rest of the definition is still checked.
        var steps = new List<PlanStep>(_rootSteps);
        var stepCalls = new Dictionary<PlanStep, int>(_stepCalls, ReferenceEqualityComparer.Instance);
        var open = _open.Reverse().Select(f => f.Clone()).ToList();
        for (var i = open.Count - 1; i >= 0; i--)
        {
            var frame = open[i];
            problems.Add(frame.Call, $"{frame.Where}: When '{frame.Name}' is never closed; add EndWhen() after its steps.");
            var closed = ToStep(frame, problems);
            stepCalls[closed] = frame.Call;
            (i > 0 ? open[i - 1].Active : steps).Add(closed);
        }

        if (_triggers.Count == 0)
        {
            problems.Add(FlowLevel, "The flow has no trigger; add TriggeredBy(Trigger.Manual(\"api\")) or TriggeredBy(Trigger.Schedule(\"0 * * * *\")).");
        }

        for (var i = 0; i < _triggers.Count; i++)
        {
            if (_triggers[i].Trigger is ScheduleTrigger { Problem: { } problem })
            {
                problems.Add(_triggers[i].Call, $"trigger #{i + 1}: {problem}");
            }
        }

        if (steps.Count == 0)
        {
            problems.Add(FlowLevel, "The flow has no steps; add at least one Then(node) or ThenParallel(name, nodes).");
        }

        var nodes = ValidateNodes(steps, stepCalls, problems);

        if (problems.Count > 0)
        {
            throw new FlowDefinitionException(_name, problems.InDefinitionOrder());
        }

        return new Flow(_name, _triggers.Select(t => t.Trigger).ToArray(), new FlowPlan(steps), nodes);
    }

    private List<PlanStep> CurrentSteps => _open.Count == 0 ? _rootSteps : _open.Peek().Active;

    private void AddStep(PlanStep step, int call)
    {
        CurrentSteps.Add(step);
        _stepCalls[step] = call;
    }

    private string Where()
    {
        var path = $"step {_rootSteps.Count + 1}";
        if (_open.Count == 0)
        {
            return path;
        }

        var frames = _open.Reverse().ToList();
        path = frames[0].Where;
        foreach (var frame in frames)
        {
            path = $"{frame.Where} {(frame.InElse ? "else" : "then")}-branch step {frame.Active.Count + 1}";
        }

        return path;
    }

    private void Close(ConditionalFrame frame)
    {
        AddStep(ToStep(frame, _structureProblems), frame.Call);
    }

    private static ConditionalStep ToStep(ConditionalFrame frame, ProblemList problems)
    {
        if (frame.ThenSteps.Count == 0)
        {
            problems.Add(frame.Call, $"{frame.Where}: When '{frame.Name}' has an empty then-branch; add steps after When(...) or remove the block.");
        }

        if (frame.InElse && frame.ElseSteps.Count == 0)
        {
            problems.Add(frame.Call, $"{frame.Where}: When '{frame.Name}' has an empty else-branch; add steps after Else() or remove Else().");
        }

        return new ConditionalStep(frame.Name, frame.Predicate ?? (_ => false), frame.ThenSteps.ToArray(), frame.ElseSteps.ToArray(), frame.InElse);
    }

    private static List<Node> ValidateNodes(List<PlanStep> steps, Dictionary<PlanStep, int> stepCalls, ProblemList problems)
    {
        var stepNodes = new List<(Node Node, string Where, int Call)>();
        var stepNames = new Dictionary<string, string>(StringComparer.Ordinal);
        Collect(steps, "step", stepCalls, stepNodes, stepNames, problems);

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var limiters = new Dictionary<string, (RateLimiter Limiter, string Where)>(StringComparer.Ordinal);
        foreach (var (node, where, call) in stepNodes)
        {
            var label = $"{where} node '{node.Name}'";
            problems.AddRange(call, node.Validate(label));
            if (!names.TryAdd(node.Name, label))
            {
                problems.Add(call, $"{label}: duplicate node name; '{node.Name}' is already used at {names[node.Name]}. Node names must be unique within a flow.");
            }

            if (!keys.TryAdd(node.OutputKey, label))
            {
                problems.Add(call, $"{label}: duplicate output key '{node.OutputKey}', already used at {keys[node.OutputKey]}; give one of them another As(...) key.");
            }

            CheckLimiter(node, label, call, limiters, problems);
        }

        var compensations = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var (node, where, call) in stepNodes)
        {
            if (node.Compensation is not { } compensation)
            {
                continue;
            }

            var label = $"{where} node '{node.Name}' compensation '{compensation.Name}'";
            if (names.TryGetValue(compensation.Name, out var stepWhere))
            {
                problems.Add(call, $"{label}: the compensation node is also a step of the flow ({stepWhere}); a compensation must be a separate node that only runs to undo '{node.Name}'.");
                continue;
            }

            if (compensations.TryGetValue(compensation.Name, out var existing))
            {
                if (!ReferenceEquals(existing, compensation))
                {
                    problems.Add(call, $"{label}: another, different compensation node is also named '{compensation.Name}'; give each compensation node a unique name (or reuse the same node value).");
                }

                continue;
            }

            compensations.Add(compensation.Name, compensation);
            problems.AddRange(call, compensation.Validate(label));
            if (compensation.Compensation is not null)
            {
                problems.Add(call, $"{label}: a compensation node has its own OnError(...); compensations are not compensated — remove it.");
            }

            CheckLimiter(compensation, label, call, limiters, problems);
        }

        return stepNodes.Select(n => n.Node).Concat(compensations.Values).ToList();
    }

    private static void CheckLimiter(Node node, string label, int call, Dictionary<string, (RateLimiter Limiter, string Where)> limiters, ProblemList problems)
    {
        if (node.SharedRateLimiter is not { } limiter)
        {
            return;
        }

        if (limiters.TryGetValue(limiter.Name, out var seen))
        {
            if (!ReferenceEquals(seen.Limiter, limiter) && (seen.Limiter.Limit != limiter.Limit || seen.Limiter.Period != limiter.Period))
            {
                problems.Add(call, $"{label}: shared rate limiter '{limiter.Name}' is declared as {limiter} here but as {seen.Limiter} at {seen.Where}; create it once with RateLimiter.Shared and reuse it.");
            }
        }
        else
        {
            limiters.Add(limiter.Name, (limiter, label));
        }
    }

    private static void Collect(
        IReadOnlyList<PlanStep> steps, string prefix, Dictionary<PlanStep, int> stepCalls, List<(Node, string, int)> nodes, Dictionary<string, string> stepNames, ProblemList problems)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            var where = $"{prefix} {i + 1}";
            var call = stepCalls[steps[i]];
            switch (steps[i])
            {
                case NodeStep node:
                    nodes.Add((node.Node, where, call));
                    break;
                case ParallelStep parallel:
                    if (parallel.Name.Length > 0 && !stepNames.TryAdd(parallel.Name, where))
                    {
                        problems.Add(call, $"{where}: parallel step name '{parallel.Name}' is already used at {stepNames[parallel.Name]}; step names must be unique so run history is unambiguous.");
                    }

                    foreach (var n in parallel.Nodes)
                    {
                        nodes.Add((n, $"{where} ('{parallel.Name}')", call));
                    }

                    break;
                case ConditionalStep conditional:
                    if (conditional.Name.Length > 0 && !stepNames.TryAdd(conditional.Name, where))
                    {
                        problems.Add(call, $"{where}: When name '{conditional.Name}' is already used at {stepNames[conditional.Name]}; pass a unique name to When(name, predicate).");
                    }

                    Collect(conditional.ThenSteps, $"{where} (when '{conditional.Name}') then-branch step", stepCalls, nodes, stepNames, problems);
                    Collect(conditional.ElseSteps, $"{where} (when '{conditional.Name}') else-branch step", stepCalls, nodes, stepNames, problems);
                    break;
            }
        }
    }

    private sealed class ConditionalFrame(string name, Func<FlowState, bool>? predicate, string where, int call)
    {
        public string Name { get; } = name;

        public Func<FlowState, bool>? Predicate { get; } = predicate;

        public string Where { get; } = where;

        /// <summary>The builder call of the <c>When</c> that opened the block.</summary>
        public int Call { get; } = call;

        public bool InElse { get; set; }

        public List<PlanStep> ThenSteps { get; private init; } = [];

        public List<PlanStep> ElseSteps { get; private init; } = [];

        public List<PlanStep> Active => InElse ? ElseSteps : ThenSteps;

        public ConditionalFrame Clone() => new(Name, Predicate, Where, Call)
        {
            InElse = InElse,
            ThenSteps = [.. ThenSteps],
            ElseSteps = [.. ElseSteps],
        };
    }

    /// <summary>Problems with the builder call each belongs to; read back in definition order (ties: in the order found).</summary>
    private sealed class ProblemList
    {
        private readonly List<(int Call, string Text)> _problems = [];

        public int Count => _problems.Count;

        public void Add(int call, string text) => _problems.Add((call, text));

        public void AddRange(int call, IEnumerable<string> texts)
        {
            foreach (var text in texts)
            {
                Add(call, text);
            }
        }

        public void AddRange(ProblemList other) => _problems.AddRange(other._problems);

        // OrderBy is a stable sort: problems of one call keep the order they were found in.
        public string[] InDefinitionOrder() => _problems.OrderBy(p => p.Call).Select(p => p.Text).ToArray();
    }
}
