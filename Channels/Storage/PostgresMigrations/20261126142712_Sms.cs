using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AlertBroadcaster.Channels.Storage.PostgresMigrations
{
    /// <inheritdoc />
    public partial class Sms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ClaimedBy",
                schema: "channels",
                table: "Deliveries",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ClaimedUntil",
                schema: "channels",
                table: "Deliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Provider",
                schema: "channels",
                table: "Deliveries",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProviderMessageId",
                schema: "channels",
                table: "Deliveries",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "LoggedSms",
                schema: "channels",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    To = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    Segments = table.Column<int>(type: "integer", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoggedSms", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RateLimits",
                schema: "channels",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    NextSlot = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RateLimits", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "SmsVerifications",
                schema: "channels",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Number = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ReferenceHash = table.Column<string>(type: "text", nullable: false),
                    CodeHash = table.Column<string>(type: "text", nullable: false),
                    Sites = table.Column<string>(type: "text", nullable: false),
                    Topics = table.Column<string>(type: "text", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FailedAttempts = table.Column<int>(type: "integer", nullable: false),
                    VerifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SmsVerifications", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_ProviderMessageId",
                schema: "channels",
                table: "Deliveries",
                column: "ProviderMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_SmsVerifications_Number_SentAt",
                schema: "channels",
                table: "SmsVerifications",
                columns: new[] { "Number", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SmsVerifications_ReferenceHash",
                schema: "channels",
                table: "SmsVerifications",
                column: "ReferenceHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SmsVerifications_SentAt",
                schema: "channels",
                table: "SmsVerifications",
                column: "SentAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LoggedSms",
                schema: "channels");

            migrationBuilder.DropTable(
                name: "RateLimits",
                schema: "channels");

            migrationBuilder.DropTable(
                name: "SmsVerifications",
                schema: "channels");

            migrationBuilder.DropIndex(
                name: "IX_Deliveries_ProviderMessageId",
                schema: "channels",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "ClaimedBy",
                schema: "channels",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "ClaimedUntil",
                schema: "channels",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "Provider",
                schema: "channels",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "ProviderMessageId",
                schema: "channels",
                table: "Deliveries");
        }
    }
}
