using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AlertBroadcaster.Channels.Storage.PostgresMigrations
{
    /// <inheritdoc />
    public partial class Subscribers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Deliveries",
                schema: "channels",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SendId = table.Column<long>(type: "bigint", nullable: false),
                    AlertId = table.Column<Guid>(type: "uuid", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SubscriberId = table.Column<long>(type: "bigint", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Error = table.Column<string>(type: "text", nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Deliveries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "EndedAlerts",
                schema: "channels",
                columns: table => new
                {
                    AlertId = table.Column<Guid>(type: "uuid", nullable: false),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EndedAlerts", x => x.AlertId);
                });

            migrationBuilder.CreateTable(
                name: "Secrets",
                schema: "channels",
                columns: table => new
                {
                    Name = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Secrets", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "Sends",
                schema: "channels",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AlertId = table.Column<Guid>(type: "uuid", nullable: false),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Purpose = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Alert = table.Column<string>(type: "text", nullable: false),
                    Cancelled = table.Column<bool>(type: "boolean", nullable: false),
                    FanOutCursor = table.Column<long>(type: "bigint", nullable: false),
                    FanOutComplete = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Sends", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Subscribers",
                schema: "channels",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Address = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    Sites = table.Column<string>(type: "text", nullable: false),
                    Topics = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ConsentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConsentSource = table.Column<string>(type: "text", nullable: false),
                    ConfirmationTokenHash = table.Column<string>(type: "text", nullable: true),
                    ConfirmationExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Subscribers", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_AlertId_Channel_Status",
                schema: "channels",
                table: "Deliveries",
                columns: new[] { "AlertId", "Channel", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_SendId_Status_Id",
                schema: "channels",
                table: "Deliveries",
                columns: new[] { "SendId", "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_SendId_SubscriberId",
                schema: "channels",
                table: "Deliveries",
                columns: new[] { "SendId", "SubscriberId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Sends_AlertId_Revision_Channel_Purpose",
                schema: "channels",
                table: "Sends",
                columns: new[] { "AlertId", "Revision", "Channel", "Purpose" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_Channel_Address",
                schema: "channels",
                table: "Subscribers",
                columns: new[] { "Channel", "Address" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_Channel_Status_Id",
                schema: "channels",
                table: "Subscribers",
                columns: new[] { "Channel", "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Subscribers_ConfirmationTokenHash",
                schema: "channels",
                table: "Subscribers",
                column: "ConfirmationTokenHash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Deliveries",
                schema: "channels");

            migrationBuilder.DropTable(
                name: "EndedAlerts",
                schema: "channels");

            migrationBuilder.DropTable(
                name: "Secrets",
                schema: "channels");

            migrationBuilder.DropTable(
                name: "Sends",
                schema: "channels");

            migrationBuilder.DropTable(
                name: "Subscribers",
                schema: "channels");
        }
    }
}
