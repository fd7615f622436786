using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AlertBroadcaster.Channels.Storage.Migrations
{
    /// <inheritdoc />
    public partial class BannerEnds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "EndedAt",
                table: "BannerAlerts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Withdrawn",
                table: "BannerAlerts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EndedAt",
                table: "BannerAlerts");

            migrationBuilder.DropColumn(
                name: "Withdrawn",
                table: "BannerAlerts");
        }
    }
}
