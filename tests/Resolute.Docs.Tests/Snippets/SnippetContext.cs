namespace Resolute.Docs.Tests.Snippets;

/// <summary>
/// Where a fragment compiles. A script context compiles the block as a C# script (statements, type declarations and
/// <c>using</c>s in any order, <c>await</c> at the top) whose free names are the public members of
/// <see cref="GlobalsType"/> (<c>flow</c>, <c>builder</c>, node functions …) with <see cref="Usings"/> imported; a local
/// of the block shadows a member of the same name. A file context (<see cref="GlobalsType"/> null) compiles the block as a
/// whole C# file of a console project: nothing is given but the SDK's implicit usings.
/// </summary>
/// <param name="Name">The name a directive uses (<c>context=NAME</c>).</param>
/// <param name="GlobalsType">The class declaring what the fragment may use, or null for a whole file.</param>
/// <param name="Usings">The namespaces imported for the block.</param>
public sealed record SnippetContext(string Name, Type? GlobalsType, IReadOnlyList<string> Usings);
