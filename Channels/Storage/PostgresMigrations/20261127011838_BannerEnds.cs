using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AlertBroadcaster.Channels.Storage.PostgresMigrations
{
    /// <inheritdoc />
    public partial class BannerEnds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "EndedAt",
                schema: "channels",
                table: "BannerAlerts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Withdrawn",
                schema: "channels",
                table: "BannerAlerts",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EndedAt",
                schema: "channels",
                table: "BannerAlerts");

            migrationBuilder.DropColumn(
                name: "Withdrawn",
                schema: "channels",
                table: "BannerAlerts");
        }
    }
}
