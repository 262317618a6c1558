using System.Text.Json;
using System.Text.Json.Serialization;
using Resolute.Serialization;
using Resolute.Tests.TestSupport;

namespace Resolute.Tests;

[Trait("Area", "Definition")]
public sealed class FlowStateTests
{
    internal enum Tier
    {
        Bronze,
        Gold,
    }

    internal sealed record Address(string Street, string City);

    internal sealed record Customer(
        string Name,
        Tier Tier,
        Address? Address,
        IReadOnlyList<string> Tags,
        Dictionary<string, int> Scores,
        decimal Balance,
        DateTimeOffset Since,
        int? Age);

    internal sealed record FetchOutput(IReadOnlyList<string> Ids);

    internal sealed record OrderInput(string OrderId, int Quantity);

    internal class Animal
    {
        public string Name { get; set; } = "";
    }

    internal sealed class Dog : Animal
    {
        public bool Barks { get; set; }
    }

    [JsonPolymorphic]
    [JsonDerivedType(typeof(Circle), "circle")]
    [JsonDerivedType(typeof(Square), "square")]
    internal interface IShape
    {
        double Size { get; }
    }

    internal sealed record Circle(double Size) : IShape;

    internal sealed record Square(double Size) : IShape;

    internal interface IGreeting
    {
        string Text { get; }
    }

    internal sealed record Greeting(string Text) : IGreeting;

    private static Customer Ada() => new(
        "Ada",
        Tier.Gold,
        new Address("1 Main St", "London"),
        ["vip", "early"],
        new Dictionary<string, int> { ["Alpha"] = 1, ["beta"] = 2 },
        1234567.8901234567890123m,
        new DateTimeOffset(2024, 2, 29, 23, 59, 58, 123, TimeSpan.FromHours(5.5)),
        null);

    private static FlowState RoundTrip(FlowState state) => FlowState.FromJson(state.ToJson());

    // ---- basic access -----------------------------------------------------------------------------------------

    [Fact]
    public void Set_then_Get_returns_the_value()
    {
        var state = new FlowState();

        state.Set("issues", new FetchOutput(["A-1", "A-2"]));

        Assert.Equal(["A-1", "A-2"], state.Get<FetchOutput>("issues").Ids);
    }

    [Fact]
    public void Set_replaces_an_existing_value()
    {
        var state = new FlowState();
        state.Set("count", 1);

        state.Set("count", 2);

        Assert.Equal(2, state.Get<int>("count"));
        Assert.Single(state.Keys);
    }

    [Fact]
    public void Has_and_Keys_reflect_what_was_set()
    {
        var state = new FlowState();
        Assert.Empty(state.Keys);
        Assert.False(state.Has("b"));

        state.Set("b", 1);
        state.Set("a", "x");
        state.Set("c", true);

        Assert.True(state.Has("b"));
        Assert.False(state.Has("B"));
        Assert.Equal(["b", "a", "c"], state.Keys);
    }

    [Fact]
    public void Remove_deletes_a_key_and_says_whether_it_was_there()
    {
        var state = new FlowState();
        state.Set("a", 1);

        Assert.True(state.Remove("a"));
        Assert.False(state.Has("a"));
        Assert.False(state.Remove("a"));
        Assert.Empty(state.Keys);
    }

    [Fact]
    public void TryGet_returns_the_value_when_present_and_of_the_type()
    {
        var state = new FlowState();
        state.Set("issues", new FetchOutput(["A-1"]));

        Assert.True(state.TryGet<FetchOutput>("issues", out var value));
        Assert.Equal(["A-1"], value.Ids);
    }

    [Fact]
    public void TryGet_returns_false_for_a_missing_key()
    {
        Assert.False(new FlowState().TryGet<FetchOutput>("issues", out var value));
        Assert.Null(value);
    }

    [Fact]
    public void TryGet_returns_false_for_another_type()
    {
        var state = new FlowState();
        state.Set("count", 3);

        Assert.False(state.TryGet<string>("count", out _));
        Assert.False(state.TryGet<FetchOutput>("count", out _));
        Assert.False(RoundTrip(state).TryGet<string>("count", out _));
    }

    [Fact]
    public void GetOrDefault_returns_the_value_or_the_default()
    {
        var state = new FlowState();
        state.Set("count", 3);

        Assert.Equal(3, state.GetOrDefault<int>("count"));
        Assert.Equal(0, state.GetOrDefault<int>("missing"));
        Assert.Equal(42, state.GetOrDefault("missing", 42));
        Assert.Equal("fallback", state.GetOrDefault("count", "fallback"));
        Assert.Null(state.GetOrDefault<FetchOutput>("missing"));
    }

    [Fact]
    public void GetTypeName_and_GetJson_expose_what_is_stored()
    {
        var state = new FlowState();
        state.Set("issues", new FetchOutput(["A-1"]));

        Assert.Equal(ResoluteJson.TypeName(typeof(FetchOutput)), state.GetTypeName("issues"));
        Assert.Equal("""{"ids":["A-1"]}""", state.GetJson("issues")!.Value.GetRawText());
        Assert.Null(state.GetTypeName("missing"));
        Assert.Null(state.GetJson("missing"));
    }

    [Fact]
    public void Set_rejects_a_value_that_is_not_of_the_declared_type()
    {
        var state = new FlowState();

        var error = Assert.Throws<ArgumentException>(() => state.Set("k", "text", typeof(int)));

        ProblemAssert.Mentions(error.Message, "'k'", "System.String", "System.Int32");
        Assert.False(state.Has("k"));
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        var state = new FlowState();

        Assert.Throws<ArgumentNullException>(() => state.Get<int>(null!));
        Assert.Throws<ArgumentNullException>(() => state.Has(null!));
        Assert.Throws<ArgumentNullException>(() => state.Set(null!, 1));
        Assert.Throws<ArgumentNullException>(() => state.Set("k", 1, null!));
        Assert.Throws<ArgumentNullException>(() => state.Remove(null!));
        Assert.Throws<ArgumentNullException>(() => FlowState.FromJson(null!));
    }

    // ---- clear errors -----------------------------------------------------------------------------------------

    [Fact]
    public void Get_of_a_missing_key_names_the_key_the_expected_type_and_the_keys_present()
    {
        var state = new FlowState();
        state.Set("issues", new FetchOutput([]));
        state.Set("count", 2);

        var error = Assert.Throws<FlowStateException>(() => state.Get<Customer>("jira"));

        Assert.Equal("jira", error.Key);
        ProblemAssert.Mentions(error.Message, "no key 'jira'", "expected a Customer", "Keys present: 'issues' (FetchOutput), 'count' (Int32)", "As(...)");
    }

    [Fact]
    public void Get_on_an_empty_state_says_there_are_no_keys()
    {
        var error = Assert.Throws<FlowStateException>(() => new FlowState().Get<int>("count"));

        ProblemAssert.Mentions(error.Message, "no key 'count'", "expected a Int32", "The state has no keys yet.");
    }

    [Fact]
    public void Get_as_another_type_names_the_stored_type_the_requested_type_and_the_keys()
    {
        var state = new FlowState();
        state.Set("count", 3);
        state.Set("issues", new FetchOutput([]));

        var error = Assert.Throws<FlowStateException>(() => state.Get<FetchOutput>("count"));

        Assert.Equal("count", error.Key);
        ProblemAssert.Mentions(error.Message,
            "key 'count' holds a Int32 ('System.Int32, System.Private.CoreLib')",
            "cannot be read as FetchOutput",
            "declared output type",
            "Keys present: 'count' (Int32), 'issues' (FetchOutput)");
    }

    [Fact]
    public void Get_as_another_type_after_a_round_trip_still_fails_clearly()
    {
        var state = new FlowState();
        state.Set("customer", Ada());

        var error = Assert.Throws<FlowStateException>(() => RoundTrip(state).Get<FetchOutput>("customer"));

        ProblemAssert.Mentions(error.Message, "key 'customer' holds a Customer", ResoluteJson.TypeName(typeof(Customer)), "cannot be read as FetchOutput", "Keys present: 'customer' (Customer)");
    }

    [Fact]
    public void Get_of_a_generic_type_names_it_readably()
    {
        var state = new FlowState();
        state.Set("ids", new List<string> { "a" });

        var error = Assert.Throws<FlowStateException>(() => state.Get<Dictionary<string, int>>("ids"));

        ProblemAssert.Mentions(error.Message, "cannot be read as Dictionary<String, Int32>", "System.Collections.Generic.List`1");
    }

    // ---- declared types ---------------------------------------------------------------------------------------

    [Fact]
    public void A_value_set_as_a_base_type_reads_back_as_that_type_after_a_round_trip()
    {
        var state = new FlowState();
        state.Set<Animal>("pet", new Dog { Name = "Rex", Barks = true });

        var restored = RoundTrip(state);

        Assert.Equal(ResoluteJson.TypeName(typeof(Animal)), restored.GetTypeName("pet"));
        var pet = restored.Get<Animal>("pet");
        Assert.IsType<Animal>(pet);
        Assert.Equal("Rex", pet.Name);
    }

    [Fact]
    public void A_value_set_as_a_base_type_does_not_read_as_the_subtype_before_or_after_a_round_trip()
    {
        // The declared type is the contract: what works in-process must keep working after the orchestrator restarts.
        var state = new FlowState();
        state.Set<Animal>("pet", new Dog { Name = "Rex", Barks = true });

        var live = Assert.Throws<FlowStateException>(() => state.Get<Dog>("pet"));
        var restored = Assert.Throws<FlowStateException>(() => RoundTrip(state).Get<Dog>("pet"));

        ProblemAssert.Mentions(live.Message, "key 'pet' holds a Animal", "cannot be read as Dog");
        ProblemAssert.Mentions(restored.Message, "key 'pet' holds a Animal", "cannot be read as Dog");
        Assert.False(state.TryGet<Dog>("pet", out _));
    }

    [Fact]
    public void A_subtype_value_reads_as_its_base_type()
    {
        var state = new FlowState();
        state.Set("dog", new Dog { Name = "Rex", Barks = true });

        Assert.Equal("Rex", state.Get<Animal>("dog").Name);
        var restored = RoundTrip(state).Get<Animal>("dog");
        Assert.True(Assert.IsType<Dog>(restored).Barks);
    }

    [Fact]
    public void An_interface_declared_value_with_derived_types_reads_back_after_a_round_trip()
    {
        var state = new FlowState();
        state.Set<IShape>("shape", new Square(3));
        state.Set<IReadOnlyList<IShape>>("shapes", [new Circle(1), new Square(2)]);

        var restored = RoundTrip(state);

        Assert.Equal(new Square(3), restored.Get<IShape>("shape"));
        Assert.Equal([new Circle(1), new Square(2)], restored.Get<IReadOnlyList<IShape>>("shapes"));
        Assert.Equal(new Square(3), state.Get<IShape>("shape"));
    }

    [Fact]
    public void An_interface_declared_value_without_derived_types_fails_clearly_after_a_round_trip()
    {
        var state = new FlowState();
        state.Set<IGreeting>("greeting", new Greeting("hello"));
        Assert.Equal("hello", state.Get<IGreeting>("greeting").Text);

        var error = Assert.Throws<FlowStateException>(() => RoundTrip(state).Get<IGreeting>("greeting"));

        Assert.Equal("greeting", error.Key);
        ProblemAssert.Mentions(error.Message, "key 'greeting' does not read as IGreeting");
    }

    [Fact]
    public void Get_as_object_or_JsonElement_reads_any_value()
    {
        var state = new FlowState();
        state.Set("issues", new FetchOutput(["A-1"]));

        Assert.Equal("""{"ids":["A-1"]}""", state.Get<JsonElement>("issues").GetRawText());
        Assert.Equal(new FetchOutput(["A-1"]).Ids, Assert.IsType<FetchOutput>(state.Get<object>("issues")).Ids);
        Assert.Equal(["A-1"], Assert.IsType<FetchOutput>(RoundTrip(state).Get<object>("issues")).Ids);
    }

    [Fact]
    public void A_value_set_as_a_nullable_reads_as_nullable()
    {
        var state = new FlowState();
        state.Set<int?>("maybe", 5);
        state.Set<int?>("none", null);

        var restored = RoundTrip(state);

        Assert.Equal(5, restored.Get<int?>("maybe"));
        Assert.Null(restored.Get<int?>("none"));
    }

    // ---- JSON round trip --------------------------------------------------------------------------------------

    [Fact]
    public void Round_trip_keeps_a_record_with_nested_types_lists_dictionaries_enums_decimals_dates_and_nulls()
    {
        var state = new FlowState();
        var ada = Ada();
        state.Set("customer", ada);

        var restored = RoundTrip(state).Get<Customer>("customer");

        Assert.Equal(ada.Name, restored.Name);
        Assert.Equal(Tier.Gold, restored.Tier);
        Assert.Equal(ada.Address, restored.Address);
        Assert.Equal(ada.Tags, restored.Tags);
        Assert.Equal(ada.Scores, restored.Scores);
        Assert.Equal(1234567.8901234567890123m, restored.Balance);
        Assert.Equal(ada.Since, restored.Since);
        Assert.Equal(TimeSpan.FromHours(5.5), restored.Since.Offset);
        Assert.Null(restored.Age);
    }

    [Fact]
    public void Round_trip_keeps_collections_and_scalars()
    {
        var state = new FlowState();
        state.Set("customers", new List<Customer> { Ada(), Ada() with { Name = "Grace", Address = null, Tier = Tier.Bronze } });
        state.Set("lookup", new Dictionary<string, Address> { ["home"] = new("1 Main St", "London") });
        state.Set("amount", 0.1m);
        state.Set("when", new DateTimeOffset(2025, 3, 30, 2, 30, 0, TimeSpan.FromHours(-7)));
        state.Set("tier", Tier.Bronze);
        state.Set<string?>("nothing", null);
        state.Set<Customer?>("nobody", null);
        state.Set("flag", true);

        var restored = RoundTrip(state);

        var customers = restored.Get<List<Customer>>("customers");
        Assert.Equal(["Ada", "Grace"], customers.Select(c => c.Name));
        Assert.Null(customers[1].Address);
        Assert.Equal(Tier.Bronze, customers[1].Tier);
        Assert.Equal(new Address("1 Main St", "London"), restored.Get<Dictionary<string, Address>>("lookup")["home"]);
        Assert.Equal(0.1m, restored.Get<decimal>("amount"));
        Assert.Equal(new DateTimeOffset(2025, 3, 30, 2, 30, 0, TimeSpan.FromHours(-7)), restored.Get<DateTimeOffset>("when"));
        Assert.Equal(TimeSpan.FromHours(-7), restored.Get<DateTimeOffset>("when").Offset);
        Assert.Equal(Tier.Bronze, restored.Get<Tier>("tier"));
        Assert.True(restored.Has("nothing"));
        Assert.Null(restored.Get<string?>("nothing"));
        Assert.Null(restored.Get<Customer?>("nobody"));
        Assert.True(restored.Get<bool>("flag"));
        Assert.Equal(state.Keys, restored.Keys);
    }

    [Fact]
    public void A_generic_value_is_recorded_without_assembly_versions_and_reads_back()
    {
        var state = new FlowState();
        state.Set("customers", new List<Customer> { Ada() });

        var restored = RoundTrip(state);

        Assert.DoesNotContain("Version=", restored.GetTypeName("customers"), StringComparison.Ordinal);
        Assert.Equal("Ada", Assert.IsType<List<Customer>>(restored.Get<object>("customers"))[0].Name);
        Assert.Equal("Ada", restored.Get<IReadOnlyList<Customer>>("customers")[0].Name);
    }

    [Fact]
    public void Round_trip_keeps_the_declared_type_names()
    {
        var state = new FlowState();
        state.Set("customer", Ada());
        state.Set<Animal>("pet", new Dog());

        var restored = RoundTrip(state);

        Assert.Equal(ResoluteJson.TypeName(typeof(Customer)), restored.GetTypeName("customer"));
        Assert.Equal(ResoluteJson.TypeName(typeof(Animal)), restored.GetTypeName("pet"));
    }

    [Fact]
    public void Enums_are_stored_as_names_and_properties_in_camel_case()
    {
        var state = new FlowState();
        state.Set("customer", Ada());

        var json = state.GetJson("customer")!.Value;

        Assert.Equal("Gold", json.GetProperty("tier").GetString());
        Assert.Equal("London", json.GetProperty("address").GetProperty("city").GetString());
        Assert.Equal(1, json.GetProperty("scores").GetProperty("Alpha").GetInt32());
    }

    [Fact]
    public void ToJson_writes_input_and_typed_values()
    {
        var state = FlowState.WithInput(new OrderInput("o-1", 2));
        state.Set("count", 3);

        using var document = JsonDocument.Parse(state.ToJson());

        var root = document.RootElement;
        Assert.Equal("o-1", root.GetProperty("input").GetProperty("orderId").GetString());
        var count = root.GetProperty("values").GetProperty("count");
        Assert.Equal("System.Int32, System.Private.CoreLib", count.GetProperty("type").GetString());
        Assert.Equal(3, count.GetProperty("value").GetInt32());
    }

    [Fact]
    public void Round_trip_keeps_the_run_input()
    {
        var state = FlowState.WithInput(new OrderInput("o-1", 2));

        var restored = RoundTrip(state);

        Assert.Equal(new OrderInput("o-1", 2), restored.GetInput<OrderInput>());
    }

    [Fact]
    public void Round_trip_of_a_state_without_input_has_no_input()
    {
        var restored = RoundTrip(new FlowState());

        Assert.Null(restored.Input);
        Assert.Null(restored.GetInput<OrderInput>());
        Assert.Empty(restored.Keys);
    }

    [Fact]
    public void Clone_is_independent_of_the_original()
    {
        var state = new FlowState();
        state.Set("a", 1);

        var clone = state.Clone();
        clone.Set("a", 2);
        clone.Set("b", 3);

        Assert.Equal(1, state.Get<int>("a"));
        Assert.False(state.Has("b"));
        Assert.Equal(2, clone.Get<int>("a"));
    }

    [Theory]
    [InlineData("{not json", "does not parse")]
    [InlineData("", "does not parse")]
    [InlineData("[]", "must be an object with 'input' and 'values', not Array")]
    [InlineData("""{"values":3}""", "'values' must be an object")]
    [InlineData("""{"values":{"k":{"value":1}}}""", "value 'k' must be an object with a string 'type' and a 'value'")]
    [InlineData("""{"values":{"k":{"type":7,"value":1}}}""", "value 'k' must be an object with a string 'type' and a 'value'")]
    [InlineData("""{"values":{"k":{"type":"System.Int32, System.Private.CoreLib"}}}""", "value 'k' must be an object")]
    [InlineData("""{"values":{"k":5}}""", "value 'k' must be an object")]
    public void FromJson_rejects_malformed_input_with_a_clear_FormatException(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => FlowState.FromJson(json));

        ProblemAssert.Mentions(error.Message, "FlowState JSON", expected);
    }

    [Fact]
    public void FromJson_accepts_a_document_without_values()
    {
        var state = FlowState.FromJson("""{"input":{"orderId":"o-1","quantity":1}}""");

        Assert.Empty(state.Keys);
        Assert.Equal(new OrderInput("o-1", 1), state.GetInput<OrderInput>());
    }

    [Fact]
    public void A_stored_value_that_does_not_read_as_its_type_fails_clearly()
    {
        var state = FlowState.FromJson("""{"values":{"count":{"type":"System.Int32, System.Private.CoreLib","value":"three"}}}""");

        var error = Assert.Throws<FlowStateException>(() => state.Get<int>("count"));

        Assert.Equal("count", error.Key);
        Assert.NotNull(error.InnerException);
        ProblemAssert.Mentions(error.Message, "key 'count' does not read as Int32", "Keys present: 'count' (Int32)");
    }

    // ---- SetJson and the run input ----------------------------------------------------------------------------

    [Fact]
    public void SetJson_then_Get_reads_the_value_as_the_named_type()
    {
        var state = new FlowState();
        var json = JsonSerializer.SerializeToElement(new FetchOutput(["A-1", "A-2"]), ResoluteJson.Options);

        state.SetJson("issues", json, ResoluteJson.TypeName(typeof(FetchOutput)));

        Assert.Equal(["A-1", "A-2"], state.Get<FetchOutput>("issues").Ids);
        Assert.True(state.TryGet<FetchOutput>("issues", out _));
        Assert.Equal(ResoluteJson.TypeName(typeof(FetchOutput)), state.GetTypeName("issues"));
    }

    [Fact]
    public void SetJson_of_an_unknown_type_reads_only_as_JSON()
    {
        var state = new FlowState();
        state.SetJson("k", JsonDocument.Parse("""{"ids":[]}""").RootElement, "Elsewhere.Unknown, Elsewhere");

        var error = Assert.Throws<FlowStateException>(() => state.Get<FetchOutput>("k"));

        ProblemAssert.Mentions(error.Message, "holds a Unknown ('Elsewhere.Unknown, Elsewhere')", "cannot be read as FetchOutput");
        Assert.Equal(JsonValueKind.Object, Assert.IsType<JsonElement>(state.Get<object>("k")).ValueKind);
        Assert.False(state.TryGet<FetchOutput>("k", out _));
    }

    [Fact]
    public void SetJson_copies_the_element()
    {
        var state = new FlowState();
        using (var document = JsonDocument.Parse("42"))
        {
            state.SetJson("n", document.RootElement, ResoluteJson.TypeName(typeof(int)));
        }

        Assert.Equal(42, state.Get<int>("n"));
    }

    [Fact]
    public void GetInput_reads_the_run_input_as_the_type_asked_for()
    {
        var state = FlowState.WithInput(new OrderInput("o-1", 2));

        Assert.Equal(new OrderInput("o-1", 2), state.GetInput<OrderInput>());
        Assert.Equal(JsonValueKind.Object, state.Input!.Value.ValueKind);
    }

    [Fact]
    public void GetInput_without_input_is_default()
    {
        Assert.Null(new FlowState().GetInput<OrderInput>());
        Assert.Equal(0, new FlowState().GetInput<int>());
        Assert.Null(new FlowState(null).Input);
    }

    [Fact]
    public void GetInput_of_another_shape_names_the_type_and_shows_the_input()
    {
        var state = FlowState.WithInput(new List<int> { 1, 2, 3 });

        var error = Assert.Throws<FlowStateException>(() => state.GetInput<OrderInput>());

        Assert.Equal("(input)", error.Key);
        ProblemAssert.Mentions(error.Message, "run input does not read as OrderInput", "Input was: [1,2,3]");
    }

    [Fact]
    public void GetInput_truncates_a_long_input_in_the_message()
    {
        var state = FlowState.WithInput(new string('x', 1000));

        var error = Assert.Throws<FlowStateException>(() => state.GetInput<OrderInput>());

        Assert.Contains("…", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('x', 201), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Input_is_not_a_key()
    {
        var state = FlowState.WithInput(new OrderInput("o-1", 2));

        Assert.Empty(state.Keys);
        Assert.False(state.Has("input"));
    }
}
