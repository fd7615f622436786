using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace AlertBroadcaster.Dashboard.Identity.PostgresMigrations
{
    /// <inheritdoc />
    public partial class StaffWorkflow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AlertApprovals",
                schema: "dashboard",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AlertId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Command = table.Column<string>(type: "text", nullable: false),
                    SubmittedBy = table.Column<string>(type: "text", nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DecidedBy = table.Column<string>(type: "text", nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastsFor = table.Column<TimeSpan>(type: "interval", nullable: true),
                    Comment = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertApprovals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AlertTemplates",
                schema: "dashboard",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Severity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Headline = table.Column<string>(type: "text", nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    SmsText = table.Column<string>(type: "text", nullable: true),
                    Channels = table.Column<string>(type: "text", nullable: false),
                    UpdatedBy = table.Column<string>(type: "text", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertTemplates", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "ApiKeys",
                schema: "dashboard",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Hash = table.Column<string>(type: "text", nullable: false),
                    Prefix = table.Column<string>(type: "text", nullable: false),
                    PublishesWithoutApproval = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedBy = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevokedBy = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                schema: "dashboard",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "text", nullable: false),
                    Action = table.Column<string>(type: "text", nullable: false),
                    AlertId = table.Column<Guid>(type: "uuid", nullable: true),
                    Summary = table.Column<string>(type: "text", nullable: false),
                    Before = table.Column<string>(type: "text", nullable: true),
                    After = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.InsertData(
                schema: "dashboard",
                table: "AlertTemplates",
                columns: new[] { "Key", "Body", "Channels", "Headline", "Kind", "Name", "Severity", "SmsText", "UpdatedAt", "UpdatedBy" },
                values: new object[,]
                {
                    { "face-coverings", "Patients and visitors must wear a face covering in all clinical areas, unless exempt.\n\nFace coverings are available at every entrance. Staff may ask you to put one on.", "banner;email", "Please wear a face covering in our hospitals", "FaceCoverings", "Face coverings", "Warning", "Please wear a face covering in all clinical areas of our hospitals unless exempt. Coverings are at every entrance.", null, null },
                    { "recruitment-closed", "Thank you to everyone who took part. We are no longer recruiting new participants.\n\nIf you are already taking part, nothing changes: your care team will contact you about your results.", "banner", "The 100,000 Genomes Project has now closed to recruitment", "RecruitmentClosed", "Study closed to recruitment", "Info", null, null, null },
                    { "visiting-restrictions", "To protect patients, **one visitor per patient** may visit between 2pm and 8pm.\n\n- Please do not visit if you have had a cough, a high temperature, or sickness or diarrhoea in the last 48 hours\n- Children under 16 may visit only when the ward has agreed it\n\nThank you for helping us keep patients safe.", "banner;email", "Visiting is restricted on our wards", "VisitingRestrictions", "Visiting restrictions", "Warning", "Visiting at our hospitals is restricted: one visitor per patient, 2pm to 8pm. Please do not visit if you are unwell.", null, null }
                });

            // Append-only: the database itself refuses to change or remove audit entries.
            migrationBuilder.Sql("""
                CREATE FUNCTION dashboard.audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'The audit log is append-only: entries cannot be changed or deleted.';
                END $$;
                CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON dashboard."AuditEntries"
                    FOR EACH ROW EXECUTE FUNCTION dashboard.audit_entries_append_only();
                CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON dashboard."AuditEntries"
                    FOR EACH STATEMENT EXECUTE FUNCTION dashboard.audit_entries_append_only();
                """);

            migrationBuilder.CreateIndex(
                name: "IX_AlertApprovals_AlertId",
                schema: "dashboard",
                table: "AlertApprovals",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_AlertApprovals_OneWaiting",
                schema: "dashboard",
                table: "AlertApprovals",
                column: "AlertId",
                unique: true,
                filter: "\"State\" = 'AwaitingApproval'");

            migrationBuilder.CreateIndex(
                name: "IX_AlertApprovals_State",
                schema: "dashboard",
                table: "AlertApprovals",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_Hash",
                schema: "dashboard",
                table: "ApiKeys",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Action",
                schema: "dashboard",
                table: "AuditEntries",
                column: "Action");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Actor",
                schema: "dashboard",
                table: "AuditEntries",
                column: "Actor");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AlertId",
                schema: "dashboard",
                table: "AuditEntries",
                column: "AlertId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AlertApprovals",
                schema: "dashboard");

            migrationBuilder.DropTable(
                name: "AlertTemplates",
                schema: "dashboard");

            migrationBuilder.DropTable(
                name: "ApiKeys",
                schema: "dashboard");

            migrationBuilder.DropTable(
                name: "AuditEntries",
                schema: "dashboard");

            migrationBuilder.Sql("DROP FUNCTION dashboard.audit_entries_append_only();");
        }
    }
}
