using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Resolute.Persistence.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class RunListingIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_resolute_flow_runs_created_at",
                table: "resolute_flow_runs",
                columns: new[] { "created_at", "correlation_id" });

            migrationBuilder.CreateIndex(
                name: "ix_resolute_flow_runs_flow_name_created_at",
                table: "resolute_flow_runs",
                columns: new[] { "flow_name", "created_at", "correlation_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_resolute_flow_runs_created_at",
                table: "resolute_flow_runs");

            migrationBuilder.DropIndex(
                name: "ix_resolute_flow_runs_flow_name_created_at",
                table: "resolute_flow_runs");
        }
    }
}
