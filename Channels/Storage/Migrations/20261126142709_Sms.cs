using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AlertBroadcaster.Channels.Storage.Migrations
{
    /// <inheritdoc />
    public partial class Sms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ClaimedBy",
                table: "Deliveries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ClaimedUntil",
                table: "Deliveries",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Provider",
                table: "Deliveries",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProviderMessageId",
                table: "Deliveries",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "LoggedSms",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    To = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: false),
                    Segments = table.Column<int>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoggedSms", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RateLimits",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    NextSlot = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RateLimits", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "SmsVerifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Number = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ReferenceHash = table.Column<string>(type: "TEXT", nullable: false),
                    CodeHash = table.Column<string>(type: "TEXT", nullable: false),
                    Sites = table.Column<string>(type: "TEXT", nullable: false),
                    Topics = table.Column<string>(type: "TEXT", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FailedAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    VerifiedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SmsVerifications", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_ProviderMessageId",
                table: "Deliveries",
                column: "ProviderMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_SmsVerifications_Number_SentAt",
                table: "SmsVerifications",
                columns: new[] { "Number", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SmsVerifications_ReferenceHash",
                table: "SmsVerifications",
                column: "ReferenceHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SmsVerifications_SentAt",
                table: "SmsVerifications",
                column: "SentAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LoggedSms");

            migrationBuilder.DropTable(
                name: "RateLimits");

            migrationBuilder.DropTable(
                name: "SmsVerifications");

            migrationBuilder.DropIndex(
                name: "IX_Deliveries_ProviderMessageId",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "ClaimedBy",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "ClaimedUntil",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "Provider",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "ProviderMessageId",
                table: "Deliveries");
        }
    }
}
