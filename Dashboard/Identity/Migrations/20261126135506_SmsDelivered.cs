using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AlertBroadcaster.Dashboard.Identity.Migrations
{
    /// <inheritdoc />
    public partial class SmsDelivered : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Delivered",
                table: "DeliveryCounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Delivered",
                table: "DeliveryCounts");
        }
    }
}
