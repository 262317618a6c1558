using System.Text.Json;
using Resolute.Serialization;

namespace Resolute.Tests.Serialization;

[Trait("Area", "Definition")]
public sealed class ResoluteJsonTests
{
    internal enum Colour
    {
        DeepRed,
    }

    internal sealed record Sample(string FirstName, Colour Colour);

    public class Payment
    {
        public string Reference { get; set; } = string.Empty;
    }

    [Fact]
    public void A_type_named_in_the_payload_never_decides_what_is_created()
    {
        // Type-name metadata, as Json.NET's TypeNameHandling or System.Text.Json's polymorphism would read it: ignored.
        const string Json = """{"$type":"System.IO.FileInfo, System.Private.CoreLib","$id":"1","reference":"p-1"}""";

        var payment = JsonSerializer.Deserialize<Payment>(Json, ResoluteJson.Options);
        var untyped = JsonSerializer.Deserialize<object>(Json, ResoluteJson.Options);

        Assert.Equal(typeof(Payment), payment!.GetType());
        Assert.Equal("p-1", payment.Reference);
        Assert.IsType<JsonElement>(untyped);
        Assert.Null(ResoluteJson.Options.ReferenceHandler);
        Assert.False(ResoluteJson.Options.AllowOutOfOrderMetadataProperties);
    }

    [Fact]
    public void Options_use_camel_case_and_enum_names()
    {
        var json = JsonSerializer.Serialize(new Sample("Ada", Colour.DeepRed), ResoluteJson.Options);

        Assert.Equal("""{"firstName":"Ada","colour":"DeepRed"}""", json);
    }

    [Fact]
    public void Options_read_property_names_case_insensitively()
    {
        var sample = JsonSerializer.Deserialize<Sample>("""{"FIRSTNAME":"Ada","colour":"DeepRed"}""", ResoluteJson.Options);

        Assert.Equal(new Sample("Ada", Colour.DeepRed), sample);
    }

    [Fact]
    public void Options_are_read_only()
    {
        Assert.True(ResoluteJson.Options.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => ResoluteJson.Options.WriteIndented = true);
    }

    [Fact]
    public void TypeName_is_the_full_name_and_assembly_name_without_version()
    {
        Assert.Equal("System.Int32, System.Private.CoreLib", ResoluteJson.TypeName(typeof(int)));
        Assert.Equal("Resolute.Tests.Serialization.ResoluteJsonTests+Sample, Resolute.Core.Tests", ResoluteJson.TypeName(typeof(Sample)));
        Assert.DoesNotContain("Version=", ResoluteJson.TypeName(typeof(Sample)), StringComparison.Ordinal);
    }

    [Fact]
    public void TypeName_of_a_generic_type_names_its_arguments_without_version()
    {
        var name = ResoluteJson.TypeName(typeof(Dictionary<string, List<Sample>>));

        Assert.Equal(
            "System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib]," +
            "[System.Collections.Generic.List`1[[Resolute.Tests.Serialization.ResoluteJsonTests+Sample, Resolute.Core.Tests]], System.Private.CoreLib]], " +
            "System.Private.CoreLib",
            name);
        Assert.DoesNotContain("Version=", name, StringComparison.Ordinal);
    }

    [Fact]
    public void TypeName_of_an_array_names_its_element_without_version()
    {
        Assert.Equal("Resolute.Tests.Serialization.ResoluteJsonTests+Sample[], Resolute.Core.Tests", ResoluteJson.TypeName(typeof(Sample[])));
        Assert.Equal(
            "System.Collections.Generic.List`1[[Resolute.Tests.Serialization.ResoluteJsonTests+Sample, Resolute.Core.Tests]][,], System.Private.CoreLib",
            ResoluteJson.TypeName(typeof(List<Sample>[,])));
    }

    [Theory]
    [InlineData(typeof(int))]
    [InlineData(typeof(int?))]
    [InlineData(typeof(Sample))]
    [InlineData(typeof(Sample[]))]
    [InlineData(typeof(List<Sample>))]
    [InlineData(typeof(List<Sample>[]))]
    [InlineData(typeof(int[,]))]
    [InlineData(typeof(Dictionary<string, List<Sample?>>))]
    [InlineData(typeof(IReadOnlyList<KeyValuePair<Colour, Sample>>))]
    public void TypeName_resolves_back_to_the_same_type(Type type)
    {
        Assert.Equal(type, Type.GetType(ResoluteJson.TypeName(type), throwOnError: true));
    }

    [Fact]
    public void DisplayName_is_short_and_spells_out_generic_arguments()
    {
        Assert.Equal("Sample", ResoluteJson.DisplayName(typeof(Sample)));
        Assert.Equal("List<Sample>", ResoluteJson.DisplayName(typeof(List<Sample>)));
        Assert.Equal("Dictionary<String, List<Int32>>", ResoluteJson.DisplayName(typeof(Dictionary<string, List<int>>)));
        Assert.Equal("Nullable<Int32>", ResoluteJson.DisplayName(typeof(int?)));
    }
}
