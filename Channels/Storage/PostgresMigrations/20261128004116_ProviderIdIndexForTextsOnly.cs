using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AlertBroadcaster.Channels.Storage.PostgresMigrations
{
    /// <inheritdoc />
    public partial class ProviderIdIndexForTextsOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Deliveries_ProviderMessageId",
                schema: "channels",
                table: "Deliveries");

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_ProviderMessageId",
                schema: "channels",
                table: "Deliveries",
                column: "ProviderMessageId",
                filter: "\"ProviderMessageId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Deliveries_ProviderMessageId",
                schema: "channels",
                table: "Deliveries");

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_ProviderMessageId",
                schema: "channels",
                table: "Deliveries",
                column: "ProviderMessageId");
        }
    }
}
