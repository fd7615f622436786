using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlertBroadcaster.Contracts;

/// <summary>Writes an enum as its camelCase name (<c>banner</c>, <c>email</c>); reads any case.</summary>
public sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
