using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AlertBroadcaster.ServiceDefaults;

/// <summary>A hospital or service site an alert can be aimed at.</summary>
public sealed record Site(string Slug, string Name);

/// <summary>
/// The trust's sites, from the <c>Sites</c> configuration section (a list of <c>Slug</c>/<c>Name</c>),
/// or the trust's own sites when the section is empty.
/// </summary>
public sealed class SiteCatalog
{
    public static readonly IReadOnlyList<Site> TrustSites =
    [
        new("john-radcliffe", "John Radcliffe Hospital"),
        new("churchill", "Churchill Hospital"),
        new("horton", "Horton General Hospital"),
        new("nuffield-orthopaedic", "Nuffield Orthopaedic Centre"),
        new("genomic-medicine-centre", "Genomic Medicine Centre"),
    ];

    private readonly Dictionary<string, Site> _bySlug;
    private readonly Dictionary<string, Site>.AlternateLookup<ReadOnlySpan<char>> _bySlugSpan;

    public SiteCatalog(IEnumerable<Site> sites)
    {
        All = sites.ToList();
        _bySlug = All.ToDictionary(s => s.Slug, StringComparer.Ordinal);
        _bySlugSpan = _bySlug.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public IReadOnlyList<Site> All { get; }

    public bool Contains(string? slug) => slug is not null && _bySlug.ContainsKey(slug);

    /// <summary>The catalog's own slug string for <paramref name="candidate"/>, without making a string of it.</summary>
    public bool TryGetSlug(ReadOnlySpan<char> candidate, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? slug)
    {
        slug = _bySlugSpan.TryGetValue(candidate, out var site) ? site.Slug : null;
        return slug is not null;
    }

    public string NameOf(string slug) => _bySlug.TryGetValue(slug, out var site) ? site.Name : slug;

    public static SiteCatalog From(IConfiguration configuration)
    {
        var configured = configuration.GetSection("Sites").Get<List<Site>>() ?? [];
        var invalid = configured.Where(s => string.IsNullOrWhiteSpace(s.Slug) || string.IsNullOrWhiteSpace(s.Name)).ToList();
        if (invalid.Count > 0)
        {
            throw new InvalidOperationException("Every entry of the Sites configuration section needs a Slug and a Name.");
        }

        return new SiteCatalog(configured.Count > 0 ? configured : TrustSites);
    }
}

public static class SiteCatalogExtensions
{
    public static IServiceCollection AddSiteCatalog(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ => SiteCatalog.From(configuration));
        return services;
    }
}
