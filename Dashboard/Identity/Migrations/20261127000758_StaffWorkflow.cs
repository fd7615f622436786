using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace AlertBroadcaster.Dashboard.Identity.Migrations
{
    /// <inheritdoc />
    public partial class StaffWorkflow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AlertApprovals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AlertId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Command = table.Column<string>(type: "TEXT", nullable: false),
                    SubmittedBy = table.Column<string>(type: "TEXT", nullable: false),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    LastsFor = table.Column<TimeSpan>(type: "TEXT", nullable: true),
                    Comment = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertApprovals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AlertTemplates",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Headline = table.Column<string>(type: "TEXT", nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: false),
                    SmsText = table.Column<string>(type: "TEXT", nullable: true),
                    Channels = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertTemplates", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", nullable: false),
                    Prefix = table.Column<string>(type: "TEXT", nullable: false),
                    PublishesWithoutApproval = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    RevokedBy = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", nullable: false),
                    Action = table.Column<string>(type: "TEXT", nullable: false),
                    AlertId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Summary = table.Column<string>(type: "TEXT", nullable: false),
                    Before = table.Column<string>(type: "TEXT", nullable: true),
                    After = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.InsertData(
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
                CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON AuditEntries
                BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: entries cannot be changed or deleted.'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON AuditEntries
                BEGIN SELECT RAISE(ABORT, 'The audit log is append-only: entries cannot be changed or deleted.'); END;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_AlertApprovals_AlertId",
                table: "AlertApprovals",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_AlertApprovals_OneWaiting",
                table: "AlertApprovals",
                column: "AlertId",
                unique: true,
                filter: "\"State\" = 'AwaitingApproval'");

            migrationBuilder.CreateIndex(
                name: "IX_AlertApprovals_State",
                table: "AlertApprovals",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_Hash",
                table: "ApiKeys",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Action",
                table: "AuditEntries",
                column: "Action");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Actor",
                table: "AuditEntries",
                column: "Actor");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AlertId",
                table: "AuditEntries",
                column: "AlertId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AlertApprovals");

            migrationBuilder.DropTable(
                name: "AlertTemplates");

            migrationBuilder.DropTable(
                name: "ApiKeys");

            migrationBuilder.DropTable(
                name: "AuditEntries");
        }
    }
}
