namespace AlertBroadcaster.Dashboard.Identity;

/// <summary>The staff roles. Approval rules arrive with the authoring issue; today every role may publish.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Approver = "Approver";
    public const string Author = "Author";

    public static readonly string[] All = [Admin, Approver, Author];
}
