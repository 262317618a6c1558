using System.Security.Cryptography;
using System.Text;

namespace Resolute.Contracts;

/// <summary>Run ids derived from idempotency keys, so the same start request always names the same run.</summary>
public static class RunIds
{
    /// <summary>
    /// A name-based GUID (SHA-256 of the pair, version bits set as for version 5) of <paramref name="flowName"/> and <paramref name="idempotencyKey"/>:
    /// every process computes the same id for the same pair.
    /// </summary>
    public static Guid FromIdempotencyKey(string flowName, string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(flowName);
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"resolute/run/{flowName.Length}:{flowName}/{idempotencyKey}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
